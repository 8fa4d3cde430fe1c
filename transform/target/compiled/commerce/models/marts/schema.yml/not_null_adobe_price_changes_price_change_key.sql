
    
    



select price_change_key
from "warehouse"."marts"."adobe_price_changes"
where price_change_key is null


