
    
    



select customer_id
from "warehouse"."staging"."stg_adobe__orders"
where customer_id is null


