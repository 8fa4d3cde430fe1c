
    
    



select document_key
from "warehouse"."marts"."invoices"
where document_key is null


