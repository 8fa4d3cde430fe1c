
    
    



select quote_id
from "warehouse"."staging"."stg_zoom__quotes"
where quote_id is null


