
    
    



select transaction_id
from "warehouse"."staging"."stg_zoho__transactions"
where transaction_id is null


