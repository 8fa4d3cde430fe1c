
    
    

select
    country as unique_field,
    count(*) as n_records

from "warehouse"."reference"."adobe_country_regions"
where country is not null
group by country
having count(*) > 1


