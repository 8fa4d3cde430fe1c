
    
    



select subscription_id
from "warehouse"."intermediate"."int_adobe__subscriptions_priced"
where subscription_id is null


