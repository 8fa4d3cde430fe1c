
    
    



select subscription_id
from "warehouse"."staging"."stg_zoho__subscriptions"
where subscription_id is null


