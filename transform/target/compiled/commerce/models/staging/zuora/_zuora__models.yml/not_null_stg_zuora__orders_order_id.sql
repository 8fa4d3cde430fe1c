
    
    



select order_id
from "warehouse"."staging"."stg_zuora__orders"
where order_id is null


