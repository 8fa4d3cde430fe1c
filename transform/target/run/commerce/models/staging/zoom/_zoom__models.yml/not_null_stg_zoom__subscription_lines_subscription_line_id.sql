
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select subscription_line_id
from "warehouse"."staging"."stg_zoom__subscription_lines"
where subscription_line_id is null



  
  
      
    ) dbt_internal_test