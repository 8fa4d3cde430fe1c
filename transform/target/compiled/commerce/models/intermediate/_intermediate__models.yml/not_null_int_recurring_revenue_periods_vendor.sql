
    
    



select vendor
from "warehouse"."intermediate"."int_recurring_revenue_periods"
where vendor is null


