
    
    



select currency
from "warehouse"."marts"."invoices"
where currency is null


