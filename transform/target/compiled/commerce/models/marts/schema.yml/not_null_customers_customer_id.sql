
    
    



select customer_id
from "warehouse"."marts"."customers"
where customer_id is null


