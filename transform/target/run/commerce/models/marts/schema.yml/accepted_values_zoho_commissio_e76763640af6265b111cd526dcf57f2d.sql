
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        commission_status as value_field,
        count(*) as n_records

    from "warehouse"."marts"."zoho_commission_reconciliation"
    group by commission_status

)

select *
from all_values
where value_field not in (
    'requested','active','completed'
)



  
  
      
    ) dbt_internal_test