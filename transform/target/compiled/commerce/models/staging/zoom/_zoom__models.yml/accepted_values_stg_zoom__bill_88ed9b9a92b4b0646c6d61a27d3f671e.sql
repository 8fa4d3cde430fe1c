
    
    

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


