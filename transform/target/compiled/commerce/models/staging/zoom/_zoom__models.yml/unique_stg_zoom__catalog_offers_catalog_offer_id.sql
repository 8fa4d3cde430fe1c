
    
    

select
    catalog_offer_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__catalog_offers"
where catalog_offer_id is not null
group by catalog_offer_id
having count(*) > 1


