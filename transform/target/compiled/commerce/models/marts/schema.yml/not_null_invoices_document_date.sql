
    
    



select document_date
from "warehouse"."marts"."invoices"
where document_date is null


