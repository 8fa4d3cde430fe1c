
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select subscription_number
from "warehouse"."staging"."stg_zuora__subscription_versions"
where subscription_number is null



  
  
      
    ) dbt_internal_test