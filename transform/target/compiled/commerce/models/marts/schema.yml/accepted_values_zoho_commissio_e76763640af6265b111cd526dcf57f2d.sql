
    
    

with all_values as (

    select
        commission_status as value_field,
        count(*) as n_records

    from "warehouse"."marts"."zoho_commission_reconciliation"
    group by commission_status

)

select *
from all_values
where value_field not in (
    'requested','active','completed'
)


