
    
    

with all_values as (

    select
        age_bucket as value_field,
        count(*) as n_records

    from "warehouse"."marts"."invoices"
    group by age_bucket

)

select *
from all_values
where value_field not in (
    'not due','1-30','31-60','61-90','over 90'
)


