
    
    



select document_number
from "warehouse"."staging"."stg_zoom__billing_documents"
where document_number is null


