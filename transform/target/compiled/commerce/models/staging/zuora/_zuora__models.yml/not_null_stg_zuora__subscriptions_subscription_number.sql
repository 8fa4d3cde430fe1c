
    
    



select subscription_number
from "warehouse"."staging"."stg_zuora__subscriptions"
where subscription_number is null


