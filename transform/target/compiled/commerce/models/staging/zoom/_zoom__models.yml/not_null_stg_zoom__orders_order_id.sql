
    
    



select order_id
from "warehouse"."staging"."stg_zoom__orders"
where order_id is null


