
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select document_date
from "warehouse"."marts"."invoices"
where document_date is null



  
  
      
    ) dbt_internal_test