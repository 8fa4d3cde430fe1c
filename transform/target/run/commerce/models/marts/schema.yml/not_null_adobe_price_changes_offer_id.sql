
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select offer_id
from "warehouse"."marts"."adobe_price_changes"
where offer_id is null



  
  
      
    ) dbt_internal_test