
    
    

select
    price_list_charge_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__price_book"
where price_list_charge_id is not null
group by price_list_charge_id
having count(*) > 1


