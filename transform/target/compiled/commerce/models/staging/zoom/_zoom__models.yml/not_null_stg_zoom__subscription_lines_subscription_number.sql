
    
    



select subscription_number
from "warehouse"."staging"."stg_zoom__subscription_lines"
where subscription_number is null


