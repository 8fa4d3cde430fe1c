select
    invoice_number,
    invoice_date,
    due_date,
    posted_date,
    target_date,
    payment_status,
    json_extract_string(net_amount, '$.currency') as currency,
    cast(json_extract_string(net_amount, '$.amount') as decimal(38, 9)) as net_amount,
    cast(json_extract_string(balance, '$.amount') as decimal(38, 9)) as balance_amount,
    cast(json_extract_string(total_tax_amount, '$.amount') as decimal(38, 9)) as tax_amount,
    json_extract_string(customer_name, '$[0]') as customer_name,
    json_extract_string(invoice_owner_account, '$.crm_account_number')
        as invoice_owner_crm_account_number,
    json_extract_string(invoice_owner_account, '$.account_name') as invoice_owner_name,
    po_numbers,
    billing_description,
    reason_detail,
    reference_billing_document_id
from (select * from "warehouse"."zoom"."invoices" where _sdc_deleted_at is null) as invoices