
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select subscription_version_id
from "warehouse"."staging"."stg_zuora__subscription_versions"
where subscription_version_id is null



  
  
      
    ) dbt_internal_test