
    
    



select flex_discount_id
from "warehouse"."staging"."stg_adobe__flex_discounts"
where flex_discount_id is null


