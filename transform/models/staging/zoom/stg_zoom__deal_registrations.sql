select
    tenant,
    create_reference_id as deal_registration_id,
    deal_reg_number,
    deal_name,
    status as deal_status,
    opportunity_stage,
    program_name,
    {{ json_text('end_customer', ['crm_account_number']) }} as end_customer_account_id,
    {{ json_text('end_customer', ['account_name']) }} as end_customer_account_name,
    submitted_date,
    expected_closed_date,
    original_expiry_date,
    extended_expiry_date,
    cast(estimated_mrr as decimal(38, 9)) as estimated_mrr,
    currency
from {{ live_source('zoom', 'deal_registrations') }} as deal_registrations
