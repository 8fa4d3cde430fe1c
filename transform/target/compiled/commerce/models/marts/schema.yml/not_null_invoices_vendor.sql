
    
    



select vendor
from "warehouse"."marts"."invoices"
where vendor is null


