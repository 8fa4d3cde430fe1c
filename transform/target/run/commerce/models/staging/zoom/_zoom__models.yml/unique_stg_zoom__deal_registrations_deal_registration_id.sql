
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    deal_registration_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__deal_registrations"
where deal_registration_id is not null
group by deal_registration_id
having count(*) > 1



  
  
      
    ) dbt_internal_test