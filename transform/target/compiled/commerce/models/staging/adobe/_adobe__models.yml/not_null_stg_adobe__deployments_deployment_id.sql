
    
    



select deployment_id
from "warehouse"."staging"."stg_adobe__deployments"
where deployment_id is null


