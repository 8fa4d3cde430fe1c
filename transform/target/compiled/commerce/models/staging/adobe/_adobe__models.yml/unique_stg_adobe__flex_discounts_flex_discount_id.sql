
    
    

select
    flex_discount_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_adobe__flex_discounts"
where flex_discount_id is not null
group by flex_discount_id
having count(*) > 1


