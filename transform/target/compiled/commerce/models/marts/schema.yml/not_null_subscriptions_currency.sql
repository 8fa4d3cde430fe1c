
    
    



select currency
from "warehouse"."marts"."subscriptions"
where currency is null


