
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select starts_on
from "warehouse"."intermediate"."int_recurring_revenue_periods"
where starts_on is null



  
  
      
    ) dbt_internal_test