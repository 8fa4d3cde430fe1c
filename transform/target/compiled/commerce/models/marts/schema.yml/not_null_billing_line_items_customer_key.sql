
    
    



select customer_key
from "warehouse"."marts"."billing_line_items"
where customer_key is null


