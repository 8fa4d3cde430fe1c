
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        acd_indicator as value_field,
        count(*) as n_records

    from "warehouse"."staging"."stg_adobe__price_lists"
    group by acd_indicator

)

select *
from all_values
where value_field not in (
    'Add','Change','Delete'
)



  
  
      
    ) dbt_internal_test