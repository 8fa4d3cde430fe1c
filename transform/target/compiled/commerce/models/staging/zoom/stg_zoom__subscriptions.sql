-- The current state of each subscription (the detail); history in stg_zoom__subscription_versions.
select
    subscription_number,
    status as subscription_status,
    json_extract_string(end_customer_account, '$.crm_account_number') as end_customer_account_id,
    json_extract_string(end_customer_account, '$.account_name') as end_customer_account_name,
    json_extract_string(invoice_owner_account, '$.crm_account_number')
        as invoice_owner_crm_account_number,
    currency,
    cast(contracted_mrr as decimal(38, 9)) as contracted_mrr,
    cast(json_extract_string(mrr, '$.amount') as decimal(38, 9)) as mrr_amount,
    start_date,
    end_date,
    service_start_date,
    auto_renew as is_auto_renew,
    payment_term,
    json_extract_string(current_term, '$.term_type') as term_type,
    cast(json_extract_string(current_term, '$.term_period') as integer) as term_period,
    json_extract_string(current_term, '$.period_type') as term_period_type,
    cast(json_extract_string(current_term, '$.start_date') as date) as current_term_start_date,
    cast(json_extract_string(current_term, '$.end_date') as date) as current_term_end_date,
    cast(json_extract_string(renewal_term, '$.term_period') as integer) as renewal_term_period,
    deal_reg_number,
    po_number,
    created_date,
    updated_date
from (select * from "warehouse"."zoom"."subscriptions" where _sdc_deleted_at is null) as subscriptions