
    
    



select account_id
from "warehouse"."staging"."stg_zuora__accounts"
where account_id is null


