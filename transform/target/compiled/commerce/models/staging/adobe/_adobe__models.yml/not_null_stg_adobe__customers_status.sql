
    
    



select status
from "warehouse"."staging"."stg_adobe__customers"
where status is null


