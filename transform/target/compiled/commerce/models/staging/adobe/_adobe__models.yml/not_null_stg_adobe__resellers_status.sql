
    
    



select status
from "warehouse"."staging"."stg_adobe__resellers"
where status is null


