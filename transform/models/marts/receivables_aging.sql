-- One row per open Zuora or Zoom document with its open balance, aged at its vendor's as-of day
-- (Adobe and Zoho give no balances: their documents are not receivables here). A credit memo
-- not yet used is an open balance owed back (negative), aged like an invoice.
select
    invoices.document_key,
    invoices.vendor,
    invoices.tenant,
    invoices.document_id,
    invoices.document_number,
    invoices.document_type,
    invoices.customer_key,
    invoices.customer_name,
    invoices.currency,
    invoices.document_date,
    invoices.due_date,
    invoices.total_amount,
    invoices.open_balance_amount as open_balance,
    greatest(coalesce(invoices.days_past_due, 0), 0) as days_past_due,
    case
        when invoices.days_past_due is null or invoices.days_past_due <= 0 then 'current'
        when invoices.days_past_due <= 30 then '1-30'
        when invoices.days_past_due <= 60 then '31-60'
        when invoices.days_past_due <= 90 then '61-90'
        else '90+'
    end as bucket,
    reporting_rates.reporting_currency,
    {{ reporting_amount('invoices.open_balance_amount') }} as open_balance_reporting,
    invoices.as_of
from {{ ref('invoices') }} as invoices
{{ join_reporting_rate('invoices.currency', 'invoices.as_of') }}
where invoices.vendor in ('zuora', 'zoom')
    and invoices.status = 'open'
    and invoices.open_balance_amount != 0
