
    
    

with child as (
    select subscription_number as from_field
    from "warehouse"."staging"."stg_zoom__subscription_lines"
    where subscription_number is not null
),

parent as (
    select subscription_number as to_field
    from "warehouse"."staging"."stg_zoom__subscriptions"
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null


