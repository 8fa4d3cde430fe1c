
    
    



select customer_key
from "warehouse"."marts"."subscriptions"
where customer_key is null


