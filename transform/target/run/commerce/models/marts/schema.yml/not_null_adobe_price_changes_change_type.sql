
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select change_type
from "warehouse"."marts"."adobe_price_changes"
where change_type is null



  
  
      
    ) dbt_internal_test