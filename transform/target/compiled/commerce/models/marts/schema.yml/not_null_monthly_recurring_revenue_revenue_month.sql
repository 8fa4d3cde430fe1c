
    
    



select revenue_month
from "warehouse"."marts"."monthly_recurring_revenue"
where revenue_month is null


