
    
    



select status
from "warehouse"."marts"."subscriptions"
where status is null


