
    
    



select order_line_item_id
from "warehouse"."staging"."stg_zuora__order_line_items"
where order_line_item_id is null


