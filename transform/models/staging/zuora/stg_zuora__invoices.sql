select
    tenant,
    id as invoice_id,
    invoice_number,
    account_id,
    account_number,
    state as invoice_state,
    document_date,
    due_date,
    currency,
    {{ money('subtotal') }} as subtotal_amount,
    {{ money('tax') }} as tax_amount,
    {{ money('total') }} as total_amount,
    {{ money('remaining_balance') }} as balance_amount,
    {{ money('amount_paid') }} as paid_amount,
    paid as is_paid,
    past_due as is_past_due,
    payment_terms,
    description,
    cast({{ json_text('state_transitions', ['posted_time']) }} as timestamp with time zone)
        as posted_at,
    created_time as created_at,
    updated_time as updated_at
from {{ live_source('zuora', 'invoices') }} as invoices
