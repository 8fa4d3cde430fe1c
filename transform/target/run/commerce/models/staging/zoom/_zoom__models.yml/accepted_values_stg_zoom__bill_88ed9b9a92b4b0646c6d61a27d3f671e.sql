
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        payment_status as value_field,
        count(*) as n_records

    from "warehouse"."staging"."stg_zoom__billing_documents"
    group by payment_status

)

select *
from all_values
where value_field not in (
    'Paid','Unpaid'
)



  
  
      
    ) dbt_internal_test