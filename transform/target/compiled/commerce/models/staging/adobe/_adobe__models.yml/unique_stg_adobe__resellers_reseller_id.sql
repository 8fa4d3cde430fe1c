
    
    

select
    reseller_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_adobe__resellers"
where reseller_id is not null
group by reseller_id
having count(*) > 1


