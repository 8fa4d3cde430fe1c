
    
    



select customer_id
from "warehouse"."intermediate"."int_adobe__customer_partitions"
where customer_id is null


