
    
    



select reconciliation_status
from "warehouse"."marts"."zoho_commission_reconciliation"
where reconciliation_status is null


