
    
    



select invoice_id
from "warehouse"."staging"."stg_zuora__invoice_items"
where invoice_id is null


