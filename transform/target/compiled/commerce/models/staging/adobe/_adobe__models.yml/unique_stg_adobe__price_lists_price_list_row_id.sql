
    
    

select
    price_list_row_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_adobe__price_lists"
where price_list_row_id is not null
group by price_list_row_id
having count(*) > 1


