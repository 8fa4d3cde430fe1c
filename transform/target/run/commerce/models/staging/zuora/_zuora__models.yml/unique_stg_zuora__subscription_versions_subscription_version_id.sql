
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    subscription_version_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zuora__subscription_versions"
where subscription_version_id is not null
group by subscription_version_id
having count(*) > 1



  
  
      
    ) dbt_internal_test