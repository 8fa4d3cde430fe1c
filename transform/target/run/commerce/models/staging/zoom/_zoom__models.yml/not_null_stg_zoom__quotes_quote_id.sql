
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select quote_id
from "warehouse"."staging"."stg_zoom__quotes"
where quote_id is null



  
  
      
    ) dbt_internal_test