
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with all_values as (

    select
        price_source as value_field,
        count(*) as n_records

    from "warehouse"."intermediate"."int_adobe__order_lines_priced"
    group by price_source

)

select *
from all_values
where value_field not in (
    'vendor','price_list'
)



  
  
      
    ) dbt_internal_test