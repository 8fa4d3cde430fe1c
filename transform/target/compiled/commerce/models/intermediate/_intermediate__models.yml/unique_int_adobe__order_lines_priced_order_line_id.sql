
    
    

select
    order_line_id as unique_field,
    count(*) as n_records

from "warehouse"."intermediate"."int_adobe__order_lines_priced"
where order_line_id is not null
group by order_line_id
having count(*) > 1


