
    
    

select
    price_change_key as unique_field,
    count(*) as n_records

from "warehouse"."marts"."adobe_price_changes"
where price_change_key is not null
group by price_change_key
having count(*) > 1


