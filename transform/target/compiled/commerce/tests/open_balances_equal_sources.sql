-- Open balances in `invoices` equal the balances the sources state: per Zuora account currency,
-- the accounts' remaining invoice balance (Zuora's own running figure, not the invoices'); per
-- Zoom currency, the billing documents' balances, credit memos netted off. Fails with each
-- vendor and currency where they differ.
with marts as (
    select vendor, currency, sum(open_balance_amount) as amount
    from "warehouse"."marts"."invoices"
    where vendor in ('zuora', 'zoom')
    group by vendor, currency
),

sources as (
    select 'zuora' as vendor, currency, sum(remaining_invoice_balance) as amount
    from "warehouse"."staging"."stg_zuora__accounts"
    group by currency
    union all
    select
        'zoom',
        currency,
        sum(case when document_type = 'credit_memo' then -balance_amount else balance_amount end)
    from "warehouse"."staging"."stg_zoom__billing_documents"
    group by currency
)

select
    coalesce(marts.vendor, sources.vendor) as vendor,
    coalesce(marts.currency, sources.currency) as currency,
    marts.amount as mart_open_balance,
    sources.amount as source_balance
from marts
full outer join sources on sources.vendor = marts.vendor and sources.currency = marts.currency
where coalesce(marts.amount, 0) != coalesce(sources.amount, 0)