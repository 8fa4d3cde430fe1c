
    
    

select
    customer_id as unique_field,
    count(*) as n_records

from "warehouse"."intermediate"."int_adobe__customer_partitions"
where customer_id is not null
group by customer_id
having count(*) > 1


