
    
    



select currency
from "warehouse"."marts"."billing_line_items"
where currency is null


