
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select commission_id
from "warehouse"."staging"."stg_zoho__commissions"
where commission_id is null



  
  
      
    ) dbt_internal_test