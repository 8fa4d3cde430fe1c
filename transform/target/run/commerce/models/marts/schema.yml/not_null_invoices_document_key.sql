
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select document_key
from "warehouse"."marts"."invoices"
where document_key is null



  
  
      
    ) dbt_internal_test