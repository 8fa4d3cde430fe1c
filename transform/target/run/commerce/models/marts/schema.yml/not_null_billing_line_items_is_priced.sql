
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select is_priced
from "warehouse"."marts"."billing_line_items"
where is_priced is null



  
  
      
    ) dbt_internal_test