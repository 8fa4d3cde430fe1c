
    
    



select record_type
from "warehouse"."marts"."billing_line_items"
where record_type is null


