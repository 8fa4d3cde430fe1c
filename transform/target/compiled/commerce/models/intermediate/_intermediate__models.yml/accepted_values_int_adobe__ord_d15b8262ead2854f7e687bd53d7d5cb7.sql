
    
    

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


