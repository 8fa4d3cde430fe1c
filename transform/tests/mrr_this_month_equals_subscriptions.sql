-- For Zuora and Zoom, whose history is their subscription versions, the MRR mart's as-of month
-- (each vendor's own) equals the monthly recurring amount of the current subscriptions, per
-- vendor and currency.
-- (Zoho's and Adobe's history is derived from charges, so theirs may differ: not checked.)
with history as (
    select vendor, currency, sum(mrr) as amount
    from {{ ref('monthly_recurring_revenue') }}
    where revenue_month = {{ month_start('as_of') }} and vendor in ('zuora', 'zoom')
    group by vendor, currency
),

current_subscriptions as (
    select vendor, currency, sum(monthly_recurring_amount) as amount
    from {{ ref('subscriptions') }}
    where vendor in ('zuora', 'zoom') and monthly_recurring_amount != 0
    group by vendor, currency
)

select
    coalesce(history.vendor, current_subscriptions.vendor) as vendor,
    coalesce(history.currency, current_subscriptions.currency) as currency,
    history.amount as mrr_this_month,
    current_subscriptions.amount as subscriptions_mrr
from history
full outer join current_subscriptions
    on current_subscriptions.vendor = history.vendor
    and current_subscriptions.currency = history.currency
where coalesce(history.amount, 0) != coalesce(current_subscriptions.amount, 0)
