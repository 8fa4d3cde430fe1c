
    
    



select document_date
from "warehouse"."marts"."billing_line_items"
where document_date is null


