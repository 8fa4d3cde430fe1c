
    
    



select order_id
from "warehouse"."staging"."stg_adobe__orders"
where order_id is null


