-- Vendor x account (tenant) x customer x month x currency: the recurring revenue in force at the month's end (for
-- the vendor's as-of month: on its as-of day; no month after it) and its movement from the month
-- before: new, expansion, contraction, churned. Per currency, never converted (there is no rate source). History comes
-- from int_recurring_revenue_periods (what each API tells; see there).
with periods as (
    select * from {{ ref('int_recurring_revenue_periods') }}
),

months as (
    select cast(series.month_start as date) as month_start
    from generate_series(
        cast((select min({{ month_start('starts_on') }}) from periods) as timestamp),
        cast(
            (select max({{ month_start('as_of') }}) from {{ ref('int_vendor_loads') }}) as timestamp
        ),
        interval '1 month'
    ) as series(month_start)
),

measured as (
    -- Per vendor: its data tells nothing of the days after its as-of day.
    select
        vendors.vendor,
        months.month_start,
        case
            when months.month_start = {{ month_start('vendors.as_of') }} then vendors.as_of
            else cast({{ add_months('months.month_start', 1) }} - 1 as date)
        end as measured_on
    from months
    inner join {{ ref('int_vendor_loads') }} as vendors
        on months.month_start <= {{ month_start('vendors.as_of') }}
),

customer_months as (
    -- Every month from a customer's first recurring revenue on, so churn shows as a drop to 0.
    select
        customers.vendor,
        customers.tenant,
        customers.customer_id,
        customers.currency,
        measured.month_start,
        measured.measured_on
    from (
        select vendor, tenant, customer_id, currency, min(starts_on) as first_start
        from periods
        group by vendor, tenant, customer_id, currency
    ) as customers
    inner join measured
        on measured.vendor = customers.vendor
        and measured.month_start >= {{ month_start('customers.first_start') }}
),

revenue as (
    select
        customer_months.vendor,
        customer_months.tenant,
        customer_months.customer_id,
        customer_months.currency,
        customer_months.month_start,
        coalesce(sum(periods.monthly_amount), {{ money(0) }}) as mrr
    from customer_months
    left join periods
        on periods.vendor = customer_months.vendor
        and periods.tenant = customer_months.tenant
        and periods.customer_id = customer_months.customer_id
        and periods.currency = customer_months.currency
        and periods.starts_on <= customer_months.measured_on
        and (periods.ends_on is null or periods.ends_on > customer_months.measured_on)
    group by
        customer_months.vendor,
        customer_months.tenant,
        customer_months.customer_id,
        customer_months.currency,
        customer_months.month_start
),

movements as (
    select
        revenue.*,
        coalesce(
            lag(mrr) over (
                partition by vendor, tenant, customer_id, currency order by month_start
            ),
            {{ money(0) }}
        ) as previous_mrr
    from revenue
)

select
    {{ account_key('movements', 'customer_id') }} || ':' || movements.currency || ':'
        || {{ yyyymm('movements.month_start') }} as mrr_key,
    movements.vendor,
    movements.tenant,
    {{ account_key('movements', 'customer_id') }} as customer_key,
    movements.customer_id,
    customers.customer_name,
    movements.month_start as revenue_month,
    movements.currency,
    movements.mrr,
    movements.previous_mrr,
    case when movements.previous_mrr = 0 then movements.mrr else {{ money(0) }} end as new_mrr,
    case
        when movements.previous_mrr > 0 and movements.mrr > movements.previous_mrr
            then movements.mrr - movements.previous_mrr
        else {{ money(0) }}
    end as expansion_mrr,
    case
        when movements.mrr > 0 and movements.mrr < movements.previous_mrr
            then movements.previous_mrr - movements.mrr
        else {{ money(0) }}
    end as contraction_mrr,
    case when movements.mrr = 0 then movements.previous_mrr else {{ money(0) }} end
        as churned_mrr,
    case
        when movements.previous_mrr = 0 then 'new'
        when movements.mrr = 0 then 'churned'
        when movements.mrr > movements.previous_mrr then 'expansion'
        when movements.mrr < movements.previous_mrr then 'contraction'
        else 'unchanged'
    end as movement,
    as_of.as_of
from movements
left join {{ ref('customers') }} as customers
    on customers.customer_key = {{ account_key('movements', 'customer_id') }}
{{ join_as_of('movements.vendor') }}
where movements.mrr != 0 or movements.previous_mrr != 0
