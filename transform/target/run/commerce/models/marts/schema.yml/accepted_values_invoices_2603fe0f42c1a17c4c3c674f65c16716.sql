
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        document_type as value_field,
        count(*) as n_records

    from "warehouse"."marts"."invoices"
    group by document_type

)

select *
from all_values
where value_field not in (
    'invoice','credit_memo','order'
)



  
  
      
    ) dbt_internal_test