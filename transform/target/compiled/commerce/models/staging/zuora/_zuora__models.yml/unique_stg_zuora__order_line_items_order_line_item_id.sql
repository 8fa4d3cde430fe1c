
    
    

select
    order_line_item_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zuora__order_line_items"
where order_line_item_id is not null
group by order_line_item_id
having count(*) > 1


