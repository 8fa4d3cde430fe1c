select
    tenant,
    invoice_number,
    invoice_date,
    due_date,
    posted_date,
    target_date,
    payment_status,
    {{ json_text('net_amount', ['currency']) }} as currency,
    {{ money_amount('net_amount') }} as net_amount,
    {{ money_amount('balance') }} as balance_amount,
    {{ money_amount('total_tax_amount') }} as tax_amount,
    {{ json_text('customer_name', [0]) }} as customer_name,
    {{ json_text('invoice_owner_account', ['crm_account_number']) }}
        as invoice_owner_crm_account_number,
    {{ json_text('invoice_owner_account', ['account_name']) }} as invoice_owner_name,
    po_numbers,
    billing_description,
    reason_detail,
    reference_billing_document_id
from {{ live_source('zoom', 'invoices') }} as invoices
