
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select reseller_id
from "warehouse"."staging"."stg_adobe__resellers"
where reseller_id is null



  
  
      
    ) dbt_internal_test