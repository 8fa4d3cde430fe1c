
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select vendor
from "warehouse"."marts"."subscriptions"
where vendor is null



  
  
      
    ) dbt_internal_test