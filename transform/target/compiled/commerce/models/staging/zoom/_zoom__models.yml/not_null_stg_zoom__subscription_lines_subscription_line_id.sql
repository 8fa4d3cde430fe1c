
    
    



select subscription_line_id
from "warehouse"."staging"."stg_zoom__subscription_lines"
where subscription_line_id is null


