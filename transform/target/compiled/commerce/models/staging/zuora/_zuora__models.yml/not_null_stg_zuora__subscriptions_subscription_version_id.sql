
    
    



select subscription_version_id
from "warehouse"."staging"."stg_zuora__subscriptions"
where subscription_version_id is null


