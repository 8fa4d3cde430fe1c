
    
    

select
    document_key as unique_field,
    count(*) as n_records

from "warehouse"."marts"."invoices"
where document_key is not null
group by document_key
having count(*) > 1


