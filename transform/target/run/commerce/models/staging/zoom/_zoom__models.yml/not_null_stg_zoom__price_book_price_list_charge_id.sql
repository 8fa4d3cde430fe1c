
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select price_list_charge_id
from "warehouse"."staging"."stg_zoom__price_book"
where price_list_charge_id is null



  
  
      
    ) dbt_internal_test