-- mrr_movements against itself; each failing row names its check:
--   chained: previous_mrr is the mrr of the row a month before (0 for the first row), and the
--     spine has no hole;
--   labelled: the movement is the one its figures and the customer's earlier months call for
--     (recomputed here from counts of earlier months, not from the model's first-month flag).
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
)

select * from chained
union all
select * from labelled
