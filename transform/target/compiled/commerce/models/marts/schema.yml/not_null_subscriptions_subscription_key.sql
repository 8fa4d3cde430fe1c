
    
    



select subscription_key
from "warehouse"."marts"."subscriptions"
where subscription_key is null


