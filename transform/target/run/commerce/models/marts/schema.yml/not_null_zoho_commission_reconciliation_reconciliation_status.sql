
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    



select reconciliation_status
from "warehouse"."marts"."zoho_commission_reconciliation"
where reconciliation_status is null



  
  
      
    ) dbt_internal_test