
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select flex_discount_id
from "warehouse"."staging"."stg_adobe__flex_discounts"
where flex_discount_id is null



  
  
      
    ) dbt_internal_test