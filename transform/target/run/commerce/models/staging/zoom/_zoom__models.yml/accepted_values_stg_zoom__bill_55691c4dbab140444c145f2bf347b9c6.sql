
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        document_type as value_field,
        count(*) as n_records

    from "warehouse"."staging"."stg_zoom__billing_documents"
    group by document_type

)

select *
from all_values
where value_field not in (
    'invoice','credit_memo'
)



  
  
      
    ) dbt_internal_test