
    
    

select
    invoice_item_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__invoice_items"
where invoice_item_id is not null
group by invoice_item_id
having count(*) > 1


