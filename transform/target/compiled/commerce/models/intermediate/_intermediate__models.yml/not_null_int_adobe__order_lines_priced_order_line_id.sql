
    
    



select order_line_id
from "warehouse"."intermediate"."int_adobe__order_lines_priced"
where order_line_id is null


