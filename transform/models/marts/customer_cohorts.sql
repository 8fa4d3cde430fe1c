-- Cohort month (a customer's first month with MRR in a currency) x months since x vendor x
-- account (tenant) x currency: how many of the cohort's customers still have MRR, and the MRR they bring, against
-- the cohort's size and starting MRR; every month from the cohort's first through the vendor's
-- as-of month (customers gone count 0). From int_monthly_recurring_revenue, mrr_movements' MRR.
with revenue as (
    select * from {{ ref('int_monthly_recurring_revenue') }}
),

firsts as (
    select vendor, tenant, customer_id, currency, min(revenue_month) as cohort_month
    from revenue
    where mrr != 0
    group by vendor, tenant, customer_id, currency
),

cohort_months as (
    select
        firsts.vendor,
        firsts.tenant,
        firsts.currency,
        firsts.cohort_month,
        revenue.revenue_month as month,
        revenue.mrr,
        starting.mrr as starting_mrr
    from firsts
    inner join revenue
        on revenue.vendor = firsts.vendor
        and revenue.tenant = firsts.tenant
        and revenue.customer_id = firsts.customer_id
        and revenue.currency = firsts.currency
        and revenue.revenue_month >= firsts.cohort_month
    inner join revenue as starting
        on starting.vendor = firsts.vendor
        and starting.tenant = firsts.tenant
        and starting.customer_id = firsts.customer_id
        and starting.currency = firsts.currency
        and starting.revenue_month = firsts.cohort_month
)

select
    cohort_months.vendor,
    cohort_months.tenant,
    cohort_months.currency,
    cohort_months.cohort_month,
    cohort_months.month,
    {{ months_between('cohort_months.cohort_month', 'cohort_months.month') }} as months_since,
    count(*) as cohort_customers,
    count(case when cohort_months.mrr != 0 then 1 end) as customers_retained,
    {{ money('sum(cohort_months.starting_mrr)') }} as cohort_starting_mrr,
    {{ money('sum(cohort_months.mrr)') }} as mrr_retained,
    as_of.as_of
from cohort_months
{{ join_as_of('cohort_months.vendor') }}
group by
    cohort_months.vendor,
    cohort_months.tenant,
    cohort_months.currency,
    cohort_months.cohort_month,
    cohort_months.month,
    as_of.as_of
