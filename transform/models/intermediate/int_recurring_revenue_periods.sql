-- Spans of recurring revenue: an amount a month, from a start date until (not including) an end
-- date (null: still running). What each vendor's API tells of history:
--   Zuora: every subscription version, in force from its creation until the next version's;
--   Zoom: every subscription version with its MRR, until the next version or the term's end (a
--     cancellation's version carries MRR 0, an expiry's ends at the end date);
--   Zoho: no history of subscriptions, only charges: each signup or recurring charge spans its
--     billing period, its amount spread evenly over the months (upgrades' prorated charges and
--     refunds are not recurring revenue);
--   Adobe: no history either: each priced order line spans the 12 months it pays for.
with zuora_versions as (
    select
        versions.*,
        lead(version_effective_date) over (
            partition by tenant, subscription_number order by version
        ) as next_effective_date
    from {{ ref('stg_zuora__subscription_versions') }} as versions
),

zoom_versions as (
    select
        versions.*,
        lead(version_effective_date) over (
            partition by tenant, subscription_number order by version
        ) as next_effective_date
    from {{ ref('stg_zoom__subscription_versions') }} as versions
)

select
    'zuora' as vendor,
    tenant,
    account_id as customer_id,
    subscription_number as subscription_id,
    currency,
    contracted_mrr as monthly_amount,
    version_effective_date as starts_on,
    coalesce(next_effective_date, end_date) as ends_on
from zuora_versions
where subscription_state = 'active'

union all

select
    'zoom',
    versions.tenant,
    subscriptions.end_customer_account_id,
    versions.subscription_number,
    versions.currency,
    versions.mrr,
    versions.version_effective_date,
    case
        when versions.next_effective_date is null then versions.end_date
        when versions.end_date < versions.next_effective_date then versions.end_date
        else versions.next_effective_date
    end
from zoom_versions as versions
inner join {{ ref('stg_zoom__subscriptions') }} as subscriptions
    on subscriptions.tenant = versions.tenant
    and subscriptions.subscription_number = versions.subscription_number
where versions.version_action not in ('cancel', 'terms')

union all

select
    'zoho',
    transactions.tenant,
    transactions.customer_id,
    transactions.subscription_id,
    transactions.currency,
    {{ money_divide('transactions.amount', 'periods.months') }},
    transactions.transaction_date,
    {{ add_months('transactions.transaction_date', 'periods.months') }}
from {{ ref('stg_zoho__transactions') }} as transactions
inner join (
    select 'monthly' as billing_frequency, 1 as months
    union all select 'quarterly', 3
    union all select 'half_yearly', 6
    union all select 'yearly', 12
) as periods on periods.billing_frequency = transactions.billing_frequency
where transactions.transaction_type in ('signup', 'recurring') and transactions.amount > 0

union all

select
    'adobe',
    tenant,
    customer_id,
    subscription_id,
    currency,
    {{ money_divide('line_partner_amount', 12) }},
    order_date,
    {{ add_months('order_date', 12) }}
from {{ ref('int_adobe__order_lines_priced') }}
where is_priced and order_status = 'complete' and line_partner_amount > 0
