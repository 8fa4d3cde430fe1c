
    
    

with all_values as (

    select
        status as value_field,
        count(*) as n_records

    from "warehouse"."marts"."billing_line_items"
    group by status

)

select *
from all_values
where value_field not in (
    'draft','open','paid','billed','pending','failed','cancelled'
)


