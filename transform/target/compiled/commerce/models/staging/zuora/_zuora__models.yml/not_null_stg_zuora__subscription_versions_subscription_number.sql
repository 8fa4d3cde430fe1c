
    
    



select subscription_number
from "warehouse"."staging"."stg_zuora__subscription_versions"
where subscription_number is null


