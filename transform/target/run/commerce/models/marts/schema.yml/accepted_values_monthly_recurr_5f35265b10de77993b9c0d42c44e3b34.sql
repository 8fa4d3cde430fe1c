
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        movement as value_field,
        count(*) as n_records

    from "warehouse"."marts"."monthly_recurring_revenue"
    group by movement

)

select *
from all_values
where value_field not in (
    'new','expansion','contraction','churned','unchanged'
)



  
  
      
    ) dbt_internal_test