
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select invoice_item_id
from "warehouse"."staging"."stg_zoom__invoice_items"
where invoice_item_id is null



  
  
      
    ) dbt_internal_test