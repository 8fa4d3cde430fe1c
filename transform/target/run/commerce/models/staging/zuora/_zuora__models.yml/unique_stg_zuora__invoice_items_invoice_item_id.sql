
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
    
    

select
    invoice_item_id as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zuora__invoice_items"
where invoice_item_id is not null
group by invoice_item_id
having count(*) > 1



  
  
      
    ) dbt_internal_test