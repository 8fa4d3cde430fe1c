-- Every version Zuora keeps (history); stg_zuora__subscriptions keeps the latest of each.
select
    tenant,
    id as subscription_version_id,
    subscription_number,
    version,
    latest_version as is_latest_version,
    state as subscription_state,
    account_id,
    invoice_owner_account_id,
    start_date,
    end_date,
    {{ json_text('current_term', ['type']) }} as term_type,
    cast({{ json_text('current_term', ['start_date']) }} as date) as current_term_start_date,
    cast({{ json_text('current_term', ['end_date']) }} as date) as current_term_end_date,
    cast({{ json_text('current_term', ['period']) }} as integer) as current_term_period,
    {{ json_text('current_term', ['period_type']) }} as current_term_period_type,
    auto_renew as is_auto_renew,
    {{ money('contracted_mrr') }} as contracted_mrr,
    currency,
    order_number,
    cancel_reason,
    description,
    contract_effective as contract_effective_date,
    service_activation as service_activation_date,
    last_booking_date,
    created_time as created_at,
    updated_time as updated_at,
    -- The version is in force from its creation (the first from the subscription's start) until
    -- the next version's.
    case when version = 1 then start_date else {{ utc_date('created_time') }} end
        as version_effective_date
from {{ live_source('zuora', 'subscriptions') }} as subscriptions
