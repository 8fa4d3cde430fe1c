
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select price_change_key
from "warehouse"."marts"."adobe_price_changes"
where price_change_key is null



  
  
      
    ) dbt_internal_test