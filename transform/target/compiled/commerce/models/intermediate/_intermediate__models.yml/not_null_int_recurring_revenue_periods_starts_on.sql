
    
    



select starts_on
from "warehouse"."intermediate"."int_recurring_revenue_periods"
where starts_on is null


