
    
    



select is_priced
from "warehouse"."marts"."billing_line_items"
where is_priced is null


