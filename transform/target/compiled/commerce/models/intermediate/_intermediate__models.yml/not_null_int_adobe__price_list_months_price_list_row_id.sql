
    
    



select price_list_row_id
from "warehouse"."intermediate"."int_adobe__price_list_months"
where price_list_row_id is null


