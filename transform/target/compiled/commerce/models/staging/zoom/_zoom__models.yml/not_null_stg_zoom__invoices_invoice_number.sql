
    
    



select invoice_number
from "warehouse"."staging"."stg_zoom__invoices"
where invoice_number is null


