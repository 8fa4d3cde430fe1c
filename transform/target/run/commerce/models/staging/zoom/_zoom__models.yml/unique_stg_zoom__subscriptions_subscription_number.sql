
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    subscription_number as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__subscriptions"
where subscription_number is not null
group by subscription_number
having count(*) > 1



  
  
      
    ) dbt_internal_test