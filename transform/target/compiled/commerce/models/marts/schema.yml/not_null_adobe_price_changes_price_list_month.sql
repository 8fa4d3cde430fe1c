
    
    



select price_list_month
from "warehouse"."marts"."adobe_price_changes"
where price_list_month is null


