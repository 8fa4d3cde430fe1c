select
    tenant,
    trial_id,
    {{ json_text('subscription_owner', ['crm_account_number']) }} as end_customer_account_id,
    {{ json_text('subscription_owner', ['account_name']) }} as end_customer_account_name,
    {{ json_text('invoice_owner', ['crm_account_number']) }} as invoice_owner_crm_account_number,
    sub_reseller_name
from {{ live_source('zoom', 'trials') }} as trials
