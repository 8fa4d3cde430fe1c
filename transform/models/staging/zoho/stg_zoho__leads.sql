select
    tenant,
    lead_id,
    email_id as lead_email,
    customer_company_name as company_name,
    service_id,
    service_name,
    registration_date,
    country
from {{ live_source('zoho', 'leads') }} as leads
