
    
    



select document_id
from "warehouse"."marts"."invoices"
where document_id is null


