
    
    

select
    document_number as unique_field,
    count(*) as n_records

from "warehouse"."staging"."stg_zoom__billing_documents"
where document_number is not null
group by document_number
having count(*) > 1


