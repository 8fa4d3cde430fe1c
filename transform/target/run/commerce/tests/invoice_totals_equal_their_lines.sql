
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  -- Each Zuora and Zoom document's total equals the sum of its lines in billing_line_items (Adobe
-- orders are the sum of their lines by construction; Zoho invoices hold one transaction each).
select documents.document_key, documents.total_amount, sum(lines.total_amount) as line_total
from "warehouse"."marts"."invoices" as documents
left join "warehouse"."marts"."billing_line_items" as lines on lines.document_key = documents.document_key
where documents.vendor in ('zuora', 'zoom')
group by documents.document_key, documents.total_amount
having documents.total_amount != coalesce(sum(lines.total_amount), 0)
  
  
      
    ) dbt_internal_test