-- Vendor x account (tenant) x currency x month: the MRR bridge (starting + new + expansion + reactivation -
-- contraction - churn = ending), ARR, customer counts, and trailing twelve-month net and gross
-- revenue retention over the customers with MRR twelve months earlier. Everything from
-- mrr_movements (the one MRR), per currency, never converted.
with movements as (
    select * from {{ ref('mrr_movements') }}
),

bridge as (
    select
        vendor,
        tenant,
        currency,
        month,
        sum(previous_mrr) as starting_mrr,
        sum(case when movement = 'new' then movement_amount else 0 end) as new_mrr,
        sum(case when movement = 'expansion' then movement_amount else 0 end) as expansion_mrr,
        sum(case when movement = 'reactivation' then movement_amount else 0 end)
            as reactivation_mrr,
        sum(case when movement = 'contraction' then -movement_amount else 0 end)
            as contraction_mrr,
        sum(case when movement = 'churn' then -movement_amount else 0 end) as churn_mrr,
        sum(mrr) as ending_mrr,
        count(case when previous_mrr != 0 then 1 end) as customers_at_start,
        count(case when mrr != 0 then 1 end) as customers_at_end,
        count(case when movement = 'new' then 1 end) as new_customers,
        count(case when movement = 'churn' then 1 end) as churned_customers,
        count(case when movement = 'reactivation' then 1 end) as reactivated_customers
    from movements
    group by vendor, tenant, currency, month
),

retention as (
    -- The customers with MRR twelve months before each month, and what they bring in it (0 when
    -- gone: the spine stops after the churn month).
    select
        base.vendor,
        base.tenant,
        base.currency,
        {{ add_months('base.month', 12) }} as month,
        sum(base.mrr) as retention_base_mrr,
        sum(coalesce(later.mrr, 0)) as retained_mrr,
        sum(
            case when coalesce(later.mrr, 0) < base.mrr then coalesce(later.mrr, 0) else base.mrr end
        ) as retained_mrr_capped
    from movements as base
    left join movements as later
        on later.vendor = base.vendor
        and later.customer_key = base.customer_key
        and later.currency = base.currency
        and later.month = {{ add_months('base.month', 12) }}
    where base.mrr != 0
    group by base.vendor, base.tenant, base.currency, base.month
)

select
    bridge.month,
    bridge.vendor,
    bridge.tenant,
    bridge.currency,
    {{ money('bridge.starting_mrr') }} as starting_mrr,
    {{ money('bridge.new_mrr') }} as new_mrr,
    {{ money('bridge.expansion_mrr') }} as expansion_mrr,
    {{ money('bridge.reactivation_mrr') }} as reactivation_mrr,
    {{ money('bridge.contraction_mrr') }} as contraction_mrr,
    {{ money('bridge.churn_mrr') }} as churn_mrr,
    {{ money('bridge.ending_mrr') }} as ending_mrr,
    {{ money('12 * bridge.ending_mrr') }} as arr,
    bridge.customers_at_start,
    bridge.customers_at_end,
    bridge.new_customers,
    bridge.churned_customers,
    bridge.reactivated_customers,
    {{ money('retention.retention_base_mrr') }} as retention_base_mrr,
    {{ money('retention.retained_mrr') }} as retained_mrr,
    {{ money('retention.retained_mrr_capped') }} as retained_mrr_capped,
    case
        when retention.retention_base_mrr != 0
            then {{ percent_rounded('retention.retained_mrr', 'retention.retention_base_mrr') }}
    end as net_revenue_retention,
    case
        when retention.retention_base_mrr != 0
            then {{ percent_rounded('retention.retained_mrr_capped', 'retention.retention_base_mrr') }}
    end as gross_revenue_retention,
    reporting_rates.reporting_currency,
    {{ reporting_amount('bridge.starting_mrr') }} as starting_mrr_reporting,
    {{ reporting_amount('bridge.new_mrr') }} as new_mrr_reporting,
    {{ reporting_amount('bridge.expansion_mrr') }} as expansion_mrr_reporting,
    {{ reporting_amount('bridge.reactivation_mrr') }} as reactivation_mrr_reporting,
    {{ reporting_amount('bridge.contraction_mrr') }} as contraction_mrr_reporting,
    {{ reporting_amount('bridge.churn_mrr') }} as churn_mrr_reporting,
    {{ reporting_amount('bridge.ending_mrr') }} as ending_mrr_reporting,
    {{ reporting_amount('12 * bridge.ending_mrr') }} as arr_reporting,
    as_of.as_of
from bridge
left join retention
    on retention.vendor = bridge.vendor
    and retention.tenant = bridge.tenant
    and retention.currency = bridge.currency
    and retention.month = bridge.month
{{ join_as_of('bridge.vendor') }}
{{ join_reporting_rate('bridge.currency', 'bridge.month') }}
