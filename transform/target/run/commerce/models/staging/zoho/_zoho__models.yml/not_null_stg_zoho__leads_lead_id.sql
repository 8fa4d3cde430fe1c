
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select lead_id
from "warehouse"."staging"."stg_zoho__leads"
where lead_id is null



  
  
      
    ) dbt_internal_test