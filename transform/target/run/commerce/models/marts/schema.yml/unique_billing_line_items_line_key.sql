
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    line_key as unique_field,
    count(*) as n_records

from "warehouse"."marts"."billing_line_items"
where line_key is not null
group by line_key
having count(*) > 1



  
  
      
    ) dbt_internal_test