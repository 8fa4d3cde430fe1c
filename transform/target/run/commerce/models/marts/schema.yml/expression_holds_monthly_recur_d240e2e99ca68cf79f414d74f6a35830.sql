
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
select * from "warehouse"."marts"."monthly_recurring_revenue" where not (mrr = previous_mrr + new_mrr + expansion_mrr - contraction_mrr - churned_mrr)

  
  
      
    ) dbt_internal_test