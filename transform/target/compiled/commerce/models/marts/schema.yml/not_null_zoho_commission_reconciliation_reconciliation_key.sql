
    
    



select reconciliation_key
from "warehouse"."marts"."zoho_commission_reconciliation"
where reconciliation_key is null


