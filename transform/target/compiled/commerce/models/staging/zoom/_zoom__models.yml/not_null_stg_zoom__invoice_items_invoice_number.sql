
    
    



select invoice_number
from "warehouse"."staging"."stg_zoom__invoice_items"
where invoice_number is null


