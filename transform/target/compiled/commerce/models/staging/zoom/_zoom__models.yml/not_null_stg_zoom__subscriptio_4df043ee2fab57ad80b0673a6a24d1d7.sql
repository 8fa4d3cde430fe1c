
    
    



select subscription_version_id
from "warehouse"."staging"."stg_zoom__subscription_versions"
where subscription_version_id is null


