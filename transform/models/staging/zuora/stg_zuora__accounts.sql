select
    tenant,
    id as account_id,
    account_number,
    name as account_name,
    currency,
    crm_id,
    sales_rep,
    payment_terms,
    bill_cycle_day,
    auto_pay as is_auto_pay,
    enabled as is_enabled,
    {{ money('remaining_invoice_balance') }} as remaining_invoice_balance,
    {{ money('remaining_credit_memo_balance') }} as remaining_credit_memo_balance,
    {{ money('remaining_debit_memo_balance') }} as remaining_debit_memo_balance,
    {{ money('remaining_payment_balance') }} as remaining_payment_balance,
    created_time as created_at,
    updated_time as updated_at
from {{ live_source('zuora', 'accounts') }} as accounts
