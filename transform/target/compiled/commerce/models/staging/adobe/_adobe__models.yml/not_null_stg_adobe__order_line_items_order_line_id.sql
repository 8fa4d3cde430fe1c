
    
    



select order_line_id
from "warehouse"."staging"."stg_adobe__order_line_items"
where order_line_id is null


