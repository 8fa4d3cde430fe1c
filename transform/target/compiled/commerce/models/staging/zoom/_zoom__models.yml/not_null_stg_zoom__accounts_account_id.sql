
    
    



select account_id
from "warehouse"."staging"."stg_zoom__accounts"
where account_id is null


