
    
    



select status
from "warehouse"."marts"."invoices"
where status is null


