
    

    create  table
      "warehouse"."marts"."monthly_recurring_revenue__dbt_tmp"
  
    
    as (
      -- Vendor x customer x month x currency: the recurring revenue in force at the month's end (for
-- the as-of month: on the as-of day) and its movement from the month before: new, expansion,
-- contraction, churned. Per currency, never converted (there is no rate source). History comes
-- from int_recurring_revenue_periods (what each API tells; see there).
with periods as (
    select * from "warehouse"."intermediate"."int_recurring_revenue_periods"
),

months as (
    select cast(series.month_start as date) as month_start
    from generate_series(
        cast((select min(cast(date_trunc('month', starts_on) as date)) from periods) as timestamp),
        cast(cast(date_trunc('month', current_date) as date) as timestamp),
        interval '1 month'
    ) as series(month_start)
),

measured as (
    select
        months.month_start,
        case
            when months.month_start = cast(date_trunc('month', current_date) as date) then current_date
            else cast(cast(months.month_start + to_months(cast(1 as integer)) as date) - 1 as date)
        end as measured_on
    from months
),

customer_months as (
    -- Every month from a customer's first recurring revenue on, so churn shows as a drop to 0.
    select
        customers.vendor,
        customers.customer_id,
        customers.currency,
        measured.month_start,
        measured.measured_on
    from (
        select vendor, customer_id, currency, min(starts_on) as first_start
        from periods
        group by vendor, customer_id, currency
    ) as customers
    inner join measured on measured.month_start >= cast(date_trunc('month', customers.first_start) as date)
),

revenue as (
    select
        customer_months.vendor,
        customer_months.customer_id,
        customer_months.currency,
        customer_months.month_start,
        coalesce(sum(periods.monthly_amount), cast(0 as decimal(38, 9))) as mrr
    from customer_months
    left join periods
        on periods.vendor = customer_months.vendor
        and periods.customer_id = customer_months.customer_id
        and periods.currency = customer_months.currency
        and periods.starts_on <= customer_months.measured_on
        and (periods.ends_on is null or periods.ends_on > customer_months.measured_on)
    group by
        customer_months.vendor,
        customer_months.customer_id,
        customer_months.currency,
        customer_months.month_start
),

movements as (
    select
        revenue.*,
        coalesce(
            lag(mrr) over (
                partition by vendor, customer_id, currency order by month_start
            ),
            cast(0 as decimal(38, 9))
        ) as previous_mrr
    from revenue
)

select
    movements.vendor || ':' || movements.customer_id || ':' || movements.currency || ':'
        || strftime(movements.month_start, '%Y%m') as mrr_key,
    movements.vendor,
    movements.vendor || ':' || movements.customer_id as customer_key,
    movements.customer_id,
    customers.customer_name,
    movements.month_start as revenue_month,
    movements.currency,
    movements.mrr,
    movements.previous_mrr,
    case when movements.previous_mrr = 0 then movements.mrr else cast(0 as decimal(38, 9)) end as new_mrr,
    case
        when movements.previous_mrr > 0 and movements.mrr > movements.previous_mrr
            then movements.mrr - movements.previous_mrr
        else cast(0 as decimal(38, 9))
    end as expansion_mrr,
    case
        when movements.mrr > 0 and movements.mrr < movements.previous_mrr
            then movements.previous_mrr - movements.mrr
        else cast(0 as decimal(38, 9))
    end as contraction_mrr,
    case when movements.mrr = 0 then movements.previous_mrr else cast(0 as decimal(38, 9)) end
        as churned_mrr,
    case
        when movements.previous_mrr = 0 then 'new'
        when movements.mrr = 0 then 'churned'
        when movements.mrr > movements.previous_mrr then 'expansion'
        when movements.mrr < movements.previous_mrr then 'contraction'
        else 'unchanged'
    end as movement
from movements
left join "warehouse"."marts"."customers" as customers
    on customers.customer_key = movements.vendor || ':' || movements.customer_id
where movements.mrr != 0 or movements.previous_mrr != 0
    );
    
  