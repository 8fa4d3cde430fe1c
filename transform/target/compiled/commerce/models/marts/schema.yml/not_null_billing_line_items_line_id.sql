
    
    



select line_id
from "warehouse"."marts"."billing_line_items"
where line_id is null


