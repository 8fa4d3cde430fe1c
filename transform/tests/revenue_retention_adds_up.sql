-- revenue_retention's identities; each failing row names its check:
--   bridge: ending = starting + new + expansion + reactivation - contraction - churn, and
--     arr = 12 x ending;
--   chained: starting_mrr is the ending_mrr of the month before for the same vendor, account and
--     currency;
--   movements: the bridge's amounts are mrr_movements' per movement.
with retention as (
    select
        retention.*,
        lag(month) over keyed as previous_month,
        lag(ending_mrr) over keyed as previous_ending_mrr
    from {{ ref('revenue_retention') }} as retention
    window keyed as (partition by vendor, tenant, currency order by month)
),

movements as (
    select
        vendor,
        tenant,
        currency,
        month,
        sum(case when movement = 'churn' then -movement_amount else 0 end) as churn_mrr,
        sum(case when movement = 'contraction' then -movement_amount else 0 end)
            as contraction_mrr,
        sum(case when movement = 'reactivation' then mrr else 0 end) as reactivation_mrr
    from {{ ref('mrr_movements') }}
    group by vendor, tenant, currency, month
)

select 'bridge' as failed_check, vendor, currency, month
from retention
where ending_mrr != starting_mrr + new_mrr + expansion_mrr + reactivation_mrr
    - contraction_mrr - churn_mrr
    or arr != 12 * ending_mrr
union all
select 'chained', vendor, currency, month
from retention
where previous_month = {{ add_months('month', -1) }} and starting_mrr != previous_ending_mrr
union all
select 'movements', retention.vendor, retention.currency, retention.month
from retention
inner join movements
    on movements.vendor = retention.vendor
    and movements.tenant = retention.tenant
    and movements.currency = retention.currency
    and movements.month = retention.month
where movements.churn_mrr != retention.churn_mrr
    or movements.contraction_mrr != retention.contraction_mrr
    or movements.reactivation_mrr != retention.reactivation_mrr
