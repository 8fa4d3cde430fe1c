
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

with child as (
    select invoice_number as from_field
    from "warehouse"."staging"."stg_zoom__invoice_items"
    where invoice_number is not null
),

parent as (
    select invoice_number as to_field
    from "warehouse"."staging"."stg_zoom__invoices"
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null



  
  
      
    ) dbt_internal_test