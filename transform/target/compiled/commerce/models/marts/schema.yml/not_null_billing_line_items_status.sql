
    
    



select status
from "warehouse"."marts"."billing_line_items"
where status is null


