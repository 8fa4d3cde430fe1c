
    
    



select price_list_charge_id
from "warehouse"."staging"."stg_zoom__price_book"
where price_list_charge_id is null


