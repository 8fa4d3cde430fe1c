
    
    



select customer_key
from "warehouse"."marts"."monthly_recurring_revenue"
where customer_key is null


