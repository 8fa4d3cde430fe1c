-- One truth for MRR: per vendor, account and currency, mrr_movements' as-of month (each vendor's own)
-- equals the monthly recurring amount of the current subscriptions in `subscriptions`, for all
-- four vendors (Adobe and Zoho by construction of their history's current span; Zuora and Zoom
-- from their latest versions).
with history as (
    select vendor, tenant, currency, sum(mrr) as amount
    from {{ ref('mrr_movements') }}
    where month = {{ month_start('as_of') }}
    group by vendor, tenant, currency
),

current_subscriptions as (
    select vendor, tenant, currency, sum(monthly_recurring_amount) as amount
    from {{ ref('subscriptions') }}
    where monthly_recurring_amount != 0
    group by vendor, tenant, currency
)

select
    coalesce(history.vendor, current_subscriptions.vendor) as vendor,
    coalesce(history.tenant, current_subscriptions.tenant) as tenant,
    coalesce(history.currency, current_subscriptions.currency) as currency,
    history.amount as mrr_this_month,
    current_subscriptions.amount as subscriptions_mrr
from history
full outer join current_subscriptions
    on current_subscriptions.vendor = history.vendor
    and current_subscriptions.tenant = history.tenant
    and current_subscriptions.currency = history.currency
where coalesce(history.amount, 0) != coalesce(current_subscriptions.amount, 0)
