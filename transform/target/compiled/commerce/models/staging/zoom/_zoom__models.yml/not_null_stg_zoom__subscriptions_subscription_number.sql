
    
    



select subscription_number
from "warehouse"."staging"."stg_zoom__subscriptions"
where subscription_number is null


