
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select is_priced
from "warehouse"."intermediate"."int_adobe__order_lines_priced"
where is_priced is null



  
  
      
    ) dbt_internal_test