
    
    



select line_key
from "warehouse"."marts"."billing_line_items"
where line_key is null


