-- The aging buckets add up to the open balance of `invoices`, per Zuora and Zoom account and
-- currency.
with aged as (
    select vendor, tenant, currency, sum(open_balance) as amount
    from {{ ref('receivables_aging') }}
    group by vendor, tenant, currency
),

documents as (
    select vendor, tenant, currency, sum(open_balance_amount) as amount
    from {{ ref('invoices') }}
    where vendor in ('zuora', 'zoom')
    group by vendor, tenant, currency
)

select
    coalesce(aged.vendor, documents.vendor) as vendor,
    coalesce(aged.tenant, documents.tenant) as tenant,
    coalesce(aged.currency, documents.currency) as currency,
    aged.amount as aged_amount,
    documents.amount as open_balance_amount
from aged
full outer join documents
    on documents.vendor = aged.vendor
    and documents.tenant = aged.tenant
    and documents.currency = aged.currency
where coalesce(aged.amount, 0) != coalesce(documents.amount, 0)
