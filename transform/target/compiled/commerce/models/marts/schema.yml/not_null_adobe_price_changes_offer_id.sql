
    
    



select offer_id
from "warehouse"."marts"."adobe_price_changes"
where offer_id is null


