
    
    



select order_id
from "warehouse"."staging"."stg_adobe__order_line_items"
where order_id is null


