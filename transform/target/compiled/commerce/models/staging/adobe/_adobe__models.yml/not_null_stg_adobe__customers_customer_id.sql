
    
    



select customer_id
from "warehouse"."staging"."stg_adobe__customers"
where customer_id is null


