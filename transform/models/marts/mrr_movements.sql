-- Vendor x customer (of one account: customer_key names its tenant) x currency x month: MRR and the one movement that explains its change from
-- the month before (new, expansion, contraction, churn, reactivation, unchanged), on a spine of
-- every month from the customer's first month with MRR through the month after its last (the
-- churn month), no later than the vendor's as-of month. The MRR itself is
-- monthly_recurring_revenue's (one definition of recurring revenue; see there and
-- int_recurring_revenue_periods): this mart only adds the months at zero between two periods of
-- revenue, so that a customer who comes back is a reactivation, not new.
with revenue as (
    select vendor, customer_key, currency, revenue_month, mrr
    from {{ ref('monthly_recurring_revenue') }}
),

spans as (
    -- Each customer's span on the spine. monthly_recurring_revenue has no month after the
    -- vendor's as-of month, and no month at zero after a month at zero.
    select
        revenue.vendor,
        revenue.customer_key,
        revenue.currency,
        min(revenue.revenue_month) as first_month,
        case
            when max(revenue.revenue_month) < {{ month_start('max(as_of.as_of)') }}
                then {{ add_months('max(revenue.revenue_month)', 1) }}
            else max(revenue.revenue_month)
        end as last_month
    from revenue
    {{ join_as_of('revenue.vendor') }}
    where revenue.mrr != 0
    group by revenue.vendor, revenue.customer_key, revenue.currency
),

months as (
    select cast(series.month_start as date) as month_start
    from generate_series(
        cast((select min(first_month) from spans) as timestamp),
        cast((select max(last_month) from spans) as timestamp),
        interval '1 month'
    ) as series(month_start)
),

spine as (
    select
        spans.vendor,
        spans.customer_key,
        spans.currency,
        months.month_start = spans.first_month as is_first_month,
        months.month_start,
        coalesce(revenue.mrr, {{ money(0) }}) as mrr
    from spans
    inner join months
        on months.month_start between spans.first_month and spans.last_month
    left join revenue
        on revenue.vendor = spans.vendor
        and revenue.customer_key = spans.customer_key
        and revenue.currency = spans.currency
        and revenue.revenue_month = months.month_start
),

compared as (
    select
        spine.*,
        coalesce(
            lag(mrr) over (partition by vendor, customer_key, currency order by month_start),
            {{ money(0) }}
        ) as previous_mrr
    from spine
)

select
    compared.month_start as month,
    compared.vendor,
    customers.tenant,
    compared.customer_key,
    customers.customer_id,
    customers.customer_name,
    compared.currency,
    -- Money as every mart stores it (PostgreSQL's sums and differences of DECIMAL(38,9) are
    -- unconstrained NUMERIC otherwise).
    {{ money('compared.mrr') }} as mrr,
    {{ money('compared.previous_mrr') }} as previous_mrr,
    -- The first month is new whatever came before; a return from zero after it is a
    -- reactivation; the drop to zero is churn (the zero and returning branches come before the
    -- comparisons, or churn and reactivation could never be assigned).
    case
        when compared.is_first_month then 'new'
        when compared.previous_mrr = 0 and compared.mrr != 0 then 'reactivation'
        when compared.previous_mrr != 0 and compared.mrr = 0 then 'churn'
        when compared.mrr > compared.previous_mrr then 'expansion'
        when compared.mrr < compared.previous_mrr then 'contraction'
        else 'unchanged'
    end as movement,
    {{ money('compared.mrr - compared.previous_mrr') }} as movement_amount,
    as_of.as_of
from compared
left join {{ ref('customers') }} as customers on customers.customer_key = compared.customer_key
{{ join_as_of('compared.vendor') }}
