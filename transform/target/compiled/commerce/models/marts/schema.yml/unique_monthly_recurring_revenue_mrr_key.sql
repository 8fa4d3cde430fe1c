
    
    

select
    mrr_key as unique_field,
    count(*) as n_records

from "warehouse"."marts"."monthly_recurring_revenue"
where mrr_key is not null
group by mrr_key
having count(*) > 1


