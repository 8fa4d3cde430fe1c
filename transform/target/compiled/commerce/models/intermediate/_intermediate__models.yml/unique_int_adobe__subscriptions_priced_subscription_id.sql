
    
    

select
    subscription_id as unique_field,
    count(*) as n_records

from "warehouse"."intermediate"."int_adobe__subscriptions_priced"
where subscription_id is not null
group by subscription_id
having count(*) > 1


