
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    reseller_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_adobe__resellers"
where reseller_id is not null
group by reseller_id
having count(*) > 1



  
  
      
    ) dbt_internal_test