
    
    



select mrr_key
from "warehouse"."marts"."monthly_recurring_revenue"
where mrr_key is null


