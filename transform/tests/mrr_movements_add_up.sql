-- mrr_movements against itself and against monthly_recurring_revenue; each failing row names
-- its check:
--   chained: previous_mrr is the mrr of the row a month before (0 for the first row), and the
--     spine has no hole;
--   labelled: the movement is the one its figures and the customer's earlier months call for
--     (recomputed here from counts of earlier months, not from the model's first-month flag);
--   reconciled: per vendor, currency and month, MRR and the movements add up to the MRR mart's
--     (its new_mrr counts new and returning customers alike; its movements are positive amounts).
with movements as (
    select
        movements.*,
        lag(month) over keyed as previous_month,
        lag(mrr) over keyed as mrr_a_month_before,
        count(case when mrr != 0 then 1 end) over (
            partition by vendor, customer_key, currency
            order by month
            rows between unbounded preceding and 1 preceding
        ) as earlier_months_with_mrr
    from {{ ref('mrr_movements') }} as movements
    window keyed as (partition by vendor, customer_key, currency order by month)
),

chained as (
    select 'chained' as failed_check, vendor, currency, month, customer_key
    from movements
    where
        (previous_month is null and (previous_mrr != 0 or movement != 'new'))
        or (
            previous_month is not null
            and (
                previous_month != {{ add_months('month', -1) }}
                or previous_mrr != mrr_a_month_before
            )
        )
),

labelled as (
    select 'labelled' as failed_check, vendor, currency, month, customer_key
    from movements
    where movement != case
        when earlier_months_with_mrr = 0 then 'new'
        when previous_mrr = 0 and mrr = 0 then 'unchanged'
        when previous_mrr = 0 then 'reactivation'
        when mrr = 0 then 'churn'
        when mrr > previous_mrr then 'expansion'
        when mrr < previous_mrr then 'contraction'
        else 'unchanged'
    end
),

movement_totals as (
    select
        vendor,
        currency,
        month,
        sum(mrr) as mrr,
        sum(case when movement in ('new', 'reactivation') then movement_amount else 0 end)
            as new_mrr,
        sum(case when movement = 'expansion' then movement_amount else 0 end) as expansion_mrr,
        sum(case when movement = 'contraction' then -movement_amount else 0 end)
            as contraction_mrr,
        sum(case when movement = 'churn' then -movement_amount else 0 end) as churned_mrr
    from movements
    group by vendor, currency, month
),

mart_totals as (
    select
        vendor,
        currency,
        revenue_month as month,
        sum(mrr) as mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr
    from {{ ref('monthly_recurring_revenue') }}
    group by vendor, currency, revenue_month
),

reconciled as (
    select
        'reconciled' as failed_check,
        coalesce(movement_totals.vendor, mart_totals.vendor) as vendor,
        coalesce(movement_totals.currency, mart_totals.currency) as currency,
        coalesce(movement_totals.month, mart_totals.month) as month,
        cast(null as varchar) as customer_key
    from movement_totals
    full outer join mart_totals
        on mart_totals.vendor = movement_totals.vendor
        and mart_totals.currency = movement_totals.currency
        and mart_totals.month = movement_totals.month
    where
        movement_totals.vendor is null
        or mart_totals.vendor is null
        or movement_totals.mrr != mart_totals.mrr
        or movement_totals.new_mrr != mart_totals.new_mrr
        or movement_totals.expansion_mrr != mart_totals.expansion_mrr
        or movement_totals.contraction_mrr != mart_totals.contraction_mrr
        or movement_totals.churned_mrr != mart_totals.churned_mrr
)

select * from chained
union all
select * from labelled
union all
select * from reconciled
