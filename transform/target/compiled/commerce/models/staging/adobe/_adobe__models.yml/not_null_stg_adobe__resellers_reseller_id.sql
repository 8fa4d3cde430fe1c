
    
    



select reseller_id
from "warehouse"."staging"."stg_adobe__resellers"
where reseller_id is null


