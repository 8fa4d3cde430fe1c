
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select price_list_month
from "warehouse"."marts"."adobe_price_changes"
where price_list_month is null



  
  
      
    ) dbt_internal_test