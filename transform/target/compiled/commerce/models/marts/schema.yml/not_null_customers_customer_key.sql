
    
    



select customer_key
from "warehouse"."marts"."customers"
where customer_key is null


