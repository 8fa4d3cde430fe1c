
    
    



select invoice_id
from "warehouse"."staging"."stg_zuora__invoices"
where invoice_id is null


