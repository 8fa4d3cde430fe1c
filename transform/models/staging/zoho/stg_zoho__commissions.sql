select
    commission_id,
    transaction_id,
    subscription_id,
    date as commission_date,
    commission_type,
    commission_type = 'Reversal' as is_reversal,
    status as commission_status_code,
    lower(status) as commission_status,
    entity as billing_entity,
    currency_code as currency,
    {{ money('eligible_txn_amount') }} as eligible_transaction_amount,
    cast(commission_percentage as decimal(38, 9)) as commission_percentage,
    {{ money('usd_commission') }} as commission_amount,
    cast({{ json_text('transaction', ['transaction_date']) }} as date) as transaction_date,
    {{ json_text('transaction', ['transaction_type']) }} as transaction_type,
    {{ json_text('transaction', ['service_name']) }} as service_name,
    {{ json_text('subscription', ['org_id']) }} as customer_id
from {{ live_source('zoho', 'commissions') }} as commissions
