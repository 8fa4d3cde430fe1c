
    
    



select account_id
from "warehouse"."staging"."stg_zuora__invoices"
where account_id is null


