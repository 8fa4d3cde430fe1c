
    
    



select invoice_item_id
from "warehouse"."staging"."stg_zoom__invoice_items"
where invoice_item_id is null


