
    
    



select vendor
from "warehouse"."marts"."billing_line_items"
where vendor is null


