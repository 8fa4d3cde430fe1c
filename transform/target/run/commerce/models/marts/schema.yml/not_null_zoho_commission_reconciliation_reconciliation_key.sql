
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select reconciliation_key
from "warehouse"."marts"."zoho_commission_reconciliation"
where reconciliation_key is null



  
  
      
    ) dbt_internal_test