
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with child as (
    select document_key as from_field
    from "warehouse"."marts"."billing_line_items"
    where document_key is not null
),

parent as (
    select document_key as to_field
    from "warehouse"."marts"."invoices"
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null



  
  
      
    ) dbt_internal_test