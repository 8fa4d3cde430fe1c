
    
    



select status
from "warehouse"."staging"."stg_adobe__orders"
where status is null


