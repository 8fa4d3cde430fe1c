
    
    



select commission_id
from "warehouse"."staging"."stg_zoho__commissions"
where commission_id is null


