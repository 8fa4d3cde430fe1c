
    
    



select lead_id
from "warehouse"."staging"."stg_zoho__leads"
where lead_id is null


