-- Invoices and credit memos as Zoom lists them; money unpacked from {amount, currency}. Amounts
-- keep Zoom's sign (credit memos positive); the invoices mart turns credit memos negative.
select
    document_number,
    document_type,
    document_date,
    due_date,
    posted_date,
    payment_status,
    json_extract_string(net_amount, '$.currency') as currency,
    cast(json_extract_string(net_amount, '$.amount') as decimal(38, 9)) as net_amount,
    cast(json_extract_string(balance, '$.amount') as decimal(38, 9)) as balance_amount,
    cast(cast(customer_zoom_account_number as bigint) as varchar) as customer_zoom_account_number,
    json_extract_string(customer_name, '$[0]') as customer_name,
    invoice_owner_name,
    sub_reseller_name,
    po_number,
    billing_description,
    reason_detail,
    reference_billing_document_id
from (select * from "warehouse"."zoom"."billing_documents" where _sdc_deleted_at is null) as billing_documents