
    
    



select vendor
from "warehouse"."marts"."customers"
where vendor is null


