
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select document_date
from "warehouse"."marts"."billing_line_items"
where document_date is null



  
  
      
    ) dbt_internal_test