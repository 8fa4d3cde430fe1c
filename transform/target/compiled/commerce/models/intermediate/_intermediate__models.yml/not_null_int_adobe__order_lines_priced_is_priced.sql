
    
    



select is_priced
from "warehouse"."intermediate"."int_adobe__order_lines_priced"
where is_priced is null


