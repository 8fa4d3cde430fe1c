
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select vendor
from "warehouse"."intermediate"."int_recurring_revenue_periods"
where vendor is null



  
  
      
    ) dbt_internal_test