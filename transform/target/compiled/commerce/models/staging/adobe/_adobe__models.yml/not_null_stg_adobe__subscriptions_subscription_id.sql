
    
    



select subscription_id
from "warehouse"."staging"."stg_adobe__subscriptions"
where subscription_id is null


