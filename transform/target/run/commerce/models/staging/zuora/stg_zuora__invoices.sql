
  
  create view "warehouse"."staging"."stg_zuora__invoices__dbt_tmp" as (
    select
    id as invoice_id,
    invoice_number,
    account_id,
    account_number,
    state as invoice_state,
    document_date,
    due_date,
    currency,
    cast(subtotal as decimal(38, 9)) as subtotal_amount,
    cast(tax as decimal(38, 9)) as tax_amount,
    cast(total as decimal(38, 9)) as total_amount,
    cast(remaining_balance as decimal(38, 9)) as balance_amount,
    cast(amount_paid as decimal(38, 9)) as paid_amount,
    paid as is_paid,
    past_due as is_past_due,
    payment_terms,
    description,
    cast(json_extract_string(state_transitions, '$.posted_time') as timestamp with time zone)
        as posted_at,
    created_time as created_at,
    updated_time as updated_at
from (select * from "warehouse"."zuora"."invoices" where _sdc_deleted_at is null) as invoices
  );
