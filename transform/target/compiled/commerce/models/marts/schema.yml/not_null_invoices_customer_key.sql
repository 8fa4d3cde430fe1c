
    
    



select customer_key
from "warehouse"."marts"."invoices"
where customer_key is null


