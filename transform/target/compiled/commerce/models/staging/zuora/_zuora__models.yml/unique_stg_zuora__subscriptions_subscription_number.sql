
    
    

select
    subscription_number as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zuora__subscriptions"
where subscription_number is not null
group by subscription_number
having count(*) > 1


