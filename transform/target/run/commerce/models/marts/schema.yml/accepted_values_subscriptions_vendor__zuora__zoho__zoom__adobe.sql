
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        vendor as value_field,
        count(*) as n_records

    from "warehouse"."marts"."subscriptions"
    group by vendor

)

select *
from all_values
where value_field not in (
    'zuora','zoho','zoom','adobe'
)



  
  
      
    ) dbt_internal_test