-- Invoices and credit memos as Zoom lists them; money unpacked from {amount, currency}. Amounts
-- keep Zoom's sign (credit memos positive); the invoices mart turns credit memos negative.
select
    tenant,
    document_number,
    document_type,
    document_date,
    due_date,
    posted_date,
    payment_status,
    {{ json_text('net_amount', ['currency']) }} as currency,
    {{ money_amount('net_amount') }} as net_amount,
    {{ money_amount('balance') }} as balance_amount,
    cast(cast(customer_zoom_account_number as bigint) as varchar) as customer_zoom_account_number,
    {{ json_text('customer_name', [0]) }} as customer_name,
    invoice_owner_name,
    sub_reseller_name,
    po_number,
    billing_description,
    reason_detail,
    reference_billing_document_id
from {{ live_source('zoom', 'billing_documents') }} as billing_documents
