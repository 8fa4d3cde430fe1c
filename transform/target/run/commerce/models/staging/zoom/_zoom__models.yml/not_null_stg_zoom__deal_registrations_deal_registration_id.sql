
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select deal_registration_id
from "warehouse"."staging"."stg_zoom__deal_registrations"
where deal_registration_id is null



  
  
      
    ) dbt_internal_test