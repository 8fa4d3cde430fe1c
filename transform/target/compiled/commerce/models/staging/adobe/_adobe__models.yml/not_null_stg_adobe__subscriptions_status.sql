
    
    



select status
from "warehouse"."staging"."stg_adobe__subscriptions"
where status is null


