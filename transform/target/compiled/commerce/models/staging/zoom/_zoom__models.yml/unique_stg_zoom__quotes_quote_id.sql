
    
    

select
    quote_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__quotes"
where quote_id is not null
group by quote_id
having count(*) > 1


