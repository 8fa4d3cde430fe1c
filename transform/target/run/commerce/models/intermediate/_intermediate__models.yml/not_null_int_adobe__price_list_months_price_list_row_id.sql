
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select price_list_row_id
from "warehouse"."intermediate"."int_adobe__price_list_months"
where price_list_row_id is null



  
  
      
    ) dbt_internal_test