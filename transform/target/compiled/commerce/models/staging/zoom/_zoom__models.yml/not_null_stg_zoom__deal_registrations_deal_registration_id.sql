
    
    



select deal_registration_id
from "warehouse"."staging"."stg_zoom__deal_registrations"
where deal_registration_id is null


