
    
    



select change_type
from "warehouse"."marts"."adobe_price_changes"
where change_type is null


