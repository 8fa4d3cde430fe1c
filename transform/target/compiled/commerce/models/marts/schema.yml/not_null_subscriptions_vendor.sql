
    
    



select vendor
from "warehouse"."marts"."subscriptions"
where vendor is null


