
    
    

with all_values as (

    select
        record_type as value_field,
        count(*) as n_records

    from "warehouse"."marts"."billing_line_items"
    group by record_type

)

select *
from all_values
where value_field not in (
    'invoice_item','credit_memo','order_line','transaction'
)


