select
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
    cast(remaining_invoice_balance as decimal(38, 9)) as remaining_invoice_balance,
    cast(remaining_credit_memo_balance as decimal(38, 9)) as remaining_credit_memo_balance,
    cast(remaining_debit_memo_balance as decimal(38, 9)) as remaining_debit_memo_balance,
    cast(remaining_payment_balance as decimal(38, 9)) as remaining_payment_balance,
    created_time as created_at,
    updated_time as updated_at
from (select * from "warehouse"."zuora"."accounts" where _sdc_deleted_at is null) as accounts