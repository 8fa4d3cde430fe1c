
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select document_number
from "warehouse"."staging"."stg_zoom__billing_documents"
where document_number is null



  
  
      
    ) dbt_internal_test