
    
    



select trial_id
from "warehouse"."staging"."stg_zoom__trials"
where trial_id is null


