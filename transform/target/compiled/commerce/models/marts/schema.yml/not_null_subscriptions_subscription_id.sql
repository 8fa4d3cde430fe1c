
    
    



select subscription_id
from "warehouse"."marts"."subscriptions"
where subscription_id is null


