
    
    

with all_values as (

    select
        invoice_state as value_field,
        count(*) as n_records

    from "warehouse"."staging"."stg_zuora__invoices"
    group by invoice_state

)

select *
from all_values
where value_field not in (
    'draft','posted','canceled','error'
)


