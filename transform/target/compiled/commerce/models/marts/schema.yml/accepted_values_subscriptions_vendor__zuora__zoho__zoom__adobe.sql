
    
    

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


