
    
    



select customer_id
from "warehouse"."intermediate"."int_recurring_revenue_periods"
where customer_id is null


