
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select catalog_offer_id
from "warehouse"."staging"."stg_zoom__catalog_offers"
where catalog_offer_id is null



  
  
      
    ) dbt_internal_test