
    
    



select price_list_row_id
from "warehouse"."staging"."stg_adobe__price_lists"
where price_list_row_id is null


