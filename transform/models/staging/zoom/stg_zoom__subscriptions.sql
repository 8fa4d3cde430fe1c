-- The current state of each subscription (the detail); history in stg_zoom__subscription_versions.
select
    tenant,
    subscription_number,
    status as subscription_status,
    {{ json_text('end_customer_account', ['crm_account_number']) }} as end_customer_account_id,
    {{ json_text('end_customer_account', ['account_name']) }} as end_customer_account_name,
    {{ json_text('invoice_owner_account', ['crm_account_number']) }}
        as invoice_owner_crm_account_number,
    currency,
    {{ money('contracted_mrr') }} as contracted_mrr,
    {{ money_amount('mrr') }} as mrr_amount,
    start_date,
    end_date,
    service_start_date,
    auto_renew as is_auto_renew,
    payment_term,
    {{ json_text('current_term', ['term_type']) }} as term_type,
    cast({{ json_text('current_term', ['term_period']) }} as integer) as term_period,
    {{ json_text('current_term', ['period_type']) }} as term_period_type,
    cast({{ json_text('current_term', ['start_date']) }} as date) as current_term_start_date,
    cast({{ json_text('current_term', ['end_date']) }} as date) as current_term_end_date,
    cast({{ json_text('renewal_term', ['term_period']) }} as integer) as renewal_term_period,
    deal_reg_number,
    po_number,
    created_date,
    updated_date
from {{ live_source('zoom', 'subscriptions') }} as subscriptions
