
    
    



select currency
from "warehouse"."marts"."monthly_recurring_revenue"
where currency is null


