select
    lead_id,
    email_id as lead_email,
    customer_company_name as company_name,
    service_id,
    service_name,
    registration_date,
    country
from (select * from "warehouse"."zoho"."leads" where _sdc_deleted_at is null) as leads