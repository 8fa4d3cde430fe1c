
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        reconciliation_status as value_field,
        count(*) as n_records

    from "warehouse"."marts"."zoho_commission_reconciliation"
    group by reconciliation_status

)

select *
from all_values
where value_field not in (
    'matched','no_commission_expected','transaction_without_commission','commission_without_transaction'
)



  
  
      
    ) dbt_internal_test