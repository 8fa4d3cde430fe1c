
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select invoice_number
from "warehouse"."staging"."stg_zoom__invoice_items"
where invoice_number is null



  
  
      
    ) dbt_internal_test