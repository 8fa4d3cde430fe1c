
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select currency
from "warehouse"."marts"."invoices"
where currency is null



  
  
      
    ) dbt_internal_test