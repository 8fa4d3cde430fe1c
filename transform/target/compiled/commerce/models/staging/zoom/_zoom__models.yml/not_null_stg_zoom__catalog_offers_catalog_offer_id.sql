
    
    



select catalog_offer_id
from "warehouse"."staging"."stg_zoom__catalog_offers"
where catalog_offer_id is null


