-- Vendor x account (tenant) x currency x month: days sales outstanding, the open receivables at the month's end
-- over what was billed in the 90 days before, times 90. The APIs give today's balances only (no
-- history of payments), so a build measures its as-of month (at the as-of day); the table is
-- incremental: each month keeps the figure of the last build in it, and history grows one month
-- a month (a full refresh starts it again).
{{ config(materialized='incremental', unique_key=['vendor', 'tenant', 'currency', 'month']) }}
with open_receivables as (
    select vendor, tenant, currency, sum(open_balance) as open_receivables
    from {{ ref('receivables_aging') }}
    group by vendor, tenant, currency
),

billed as (
    select
        invoices.vendor,
        invoices.tenant,
        invoices.currency,
        sum(invoices.total_amount) as billed_amount
    from {{ ref('invoices') }} as invoices
    {{ join_as_of('invoices.vendor') }}
    where invoices.vendor in ('zuora', 'zoom')
        and invoices.status in ('open', 'paid')
        and invoices.document_date > {{ add_days('as_of.as_of', -90) }}
        and invoices.document_date <= as_of.as_of
    group by invoices.vendor, invoices.tenant, invoices.currency
),

measured as (
    select
        coalesce(billed.vendor, open_receivables.vendor) as vendor,
        coalesce(billed.tenant, open_receivables.tenant) as tenant,
        coalesce(billed.currency, open_receivables.currency) as currency,
        coalesce(open_receivables.open_receivables, {{ money(0) }}) as open_receivables,
        coalesce(billed.billed_amount, {{ money(0) }}) as billed_last_90_days
    from billed
    full outer join open_receivables
        on open_receivables.vendor = billed.vendor
        and open_receivables.tenant = billed.tenant
        and open_receivables.currency = billed.currency
)

select
    {{ month_start('as_of.as_of') }} as month,
    measured.vendor,
    measured.tenant,
    measured.currency,
    {{ money('measured.open_receivables') }} as open_receivables,
    {{ money('measured.billed_last_90_days') }} as billed_last_90_days,
    case
        when measured.billed_last_90_days != 0
            then round(
                cast(90 * measured.open_receivables / measured.billed_last_90_days as decimal(38, 9)), 1
            )
    end as days_sales_outstanding,
    as_of.as_of
from measured
{{ join_as_of('measured.vendor') }}
