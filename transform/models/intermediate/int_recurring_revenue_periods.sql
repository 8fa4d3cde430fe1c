-- Spans of recurring revenue: an amount a month, from a start date until (not including) an end
-- date (null: still running). What each vendor's API tells of history:
--   Zuora: every subscription version, in force from its creation until the next version's or
--     its end date (an expired version until its term's end);
--   Zoom: every subscription version with its MRR, until the next version or the term's end (a
--     cancellation's version carries MRR 0, an expiry's ends at the end date);
--   Zoho: no history of subscriptions, only transactions: each signup or recurring charge spans
--     its billing period (until the next transaction that changes it, or the cancellation) at its
--     amount over the period's months; an upgrade changes it from its day to the amount of the
--     next recurring charge; an active subscription's last span runs on at its current next
--     recurring amount over the period's months (upgrades' prorated charges and refunds are not
--     recurring revenue);
--   Adobe: the subscription's quantity in force (each complete order line sets it from its
--     order's day: a renewal to its quantity, a new order adds, a return takes away, a returned
--     renewal and its return count for nothing; an inactive
--     subscription ends at its renewal date) times the partner price in force (its partition's
--     latest price list month), over 12 months: spans split where either changes.
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
),

zoho_changes as (
    -- The transactions that start or change recurring revenue, and the cancellation that ends it;
    -- each numbered by the charges up to it (an upgrade shares its number with the charge before).
    select
        transactions.*,
        periods.months,
        lead(transactions.transaction_date) over subscription_order as next_change_date,
        sum(
            case when transactions.transaction_type in ('signup', 'recurring') then 1 else 0 end
        ) over (subscription_order rows between unbounded preceding and current row)
            as charges_so_far
    from {{ ref('stg_zoho__transactions') }} as transactions
    inner join (
        select 'monthly' as billing_frequency, 1 as months
        union all select 'quarterly', 3
        union all select 'half_yearly', 6
        union all select 'yearly', 12
    ) as periods on periods.billing_frequency = transactions.billing_frequency
    where (transactions.transaction_type in ('signup', 'recurring') and transactions.amount > 0)
        or transactions.transaction_type in ('upgrade', 'cancel')
    window subscription_order as (
        partition by transactions.tenant, transactions.subscription_id
        order by transactions.transaction_date, transactions.transaction_id
    )
),

zoho_spans as (
    select
        changes.tenant,
        changes.customer_id,
        changes.subscription_id,
        changes.currency,
        changes.months,
        changes.transaction_date as starts_on,
        case
            when changes.next_change_date is null and subscriptions.subscription_status = 'active'
                then subscriptions.next_recurring_amount
            -- An upgrade: what the next charge bills (the last charge's, if none came).
            when changes.transaction_type = 'upgrade'
                then coalesce(next_charge.amount, this_charge.amount)
            else changes.amount
        end as recurring_amount,
        case
            when changes.next_change_date is null and subscriptions.subscription_status = 'active'
                then null
            when changes.transaction_type = 'upgrade' then changes.next_change_date
            when changes.next_change_date is null
                or changes.next_change_date
                > {{ add_months('changes.transaction_date', 'changes.months') }}
                then {{ add_months('changes.transaction_date', 'changes.months') }}
            else changes.next_change_date
        end as ends_on
    from zoho_changes as changes
    left join {{ ref('stg_zoho__subscriptions') }} as subscriptions
        on subscriptions.tenant = changes.tenant
        and subscriptions.subscription_id = changes.subscription_id
    left join zoho_changes as this_charge
        on this_charge.tenant = changes.tenant
        and this_charge.subscription_id = changes.subscription_id
        and this_charge.charges_so_far = changes.charges_so_far
        and this_charge.transaction_type in ('signup', 'recurring')
    left join zoho_changes as next_charge
        on next_charge.tenant = changes.tenant
        and next_charge.subscription_id = changes.subscription_id
        and next_charge.charges_so_far = changes.charges_so_far + 1
        and next_charge.transaction_type in ('signup', 'recurring')
    where changes.transaction_type != 'cancel' and changes.charges_so_far > 0
),

adobe_returned_renewals as (
    -- A returned renewal (an early one, returned within 14 days) leaves the term it would have
    -- replaced: neither it nor its return changes the quantity in force.
    select returns.tenant, returns.order_id as return_order_id, renewals.order_id
    from {{ ref('stg_adobe__orders') }} as returns
    inner join {{ ref('stg_adobe__orders') }} as renewals
        on renewals.tenant = returns.tenant
        and renewals.order_id = returns.reference_order_id
    where returns.order_type = 'RETURN' and returns.status = 'complete'
        and renewals.order_type = 'RENEWAL'
),

adobe_lines as (
    select
        lines.*,
        sum(case when lines.order_type = 'RENEWAL' then 1 else 0 end) over (
            partition by lines.tenant, lines.subscription_id
            order by lines.order_created_at, lines.order_id, lines.line_number
            rows between unbounded preceding and current row
        ) as renewals_so_far
    from {{ ref('int_adobe__order_lines_priced') }} as lines
    where lines.order_status = 'complete' and lines.subscription_id is not null
        and not exists (
            select 1
            from adobe_returned_renewals as returned
            where returned.tenant = lines.tenant
                and lines.order_id in (returned.order_id, returned.return_order_id)
        )
),

adobe_quantities as (
    -- The quantity each line leaves in force: a renewal's own, plus the new orders less the
    -- returns since.
    select
        lines.tenant,
        lines.subscription_id,
        lines.order_date as starts_on,
        lead(lines.order_date) over (
            partition by lines.tenant, lines.subscription_id
            order by lines.order_created_at, lines.order_id, lines.line_number
        ) as next_order_date,
        sum(lines.sign * lines.quantity) over (
            partition by lines.tenant, lines.subscription_id, lines.renewals_so_far
            order by lines.order_created_at, lines.order_id, lines.line_number
            rows between unbounded preceding and current row
        ) as quantity
    from adobe_lines as lines
),

adobe_prices as (
    -- A price list month's partner price is in force from the month's first day until the next
    -- month the partition lists the offer (the last: until a later list says otherwise).
    select
        prices.*,
        {{ month_of_yyyymm('prices.price_list_month') }} as price_starts_on,
        {{ month_of_yyyymm('lead(prices.price_list_month) over partition_offer') }}
            as price_ends_on
    from {{ ref('int_adobe__price_list_months') }} as prices
    window partition_offer as (
        partition by tenant, region, market_segment, currency, price_list_type, offer_id
        order by price_list_month
    )
),

adobe_subscription_quantities as (
    select
        subscriptions.tenant,
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.currency,
        subscriptions.region,
        subscriptions.market_segment,
        subscriptions.price_list_type,
        subscriptions.offer_id,
        quantities.quantity,
        quantities.starts_on,
        case
            when quantities.next_order_date is not null then quantities.next_order_date
            when subscriptions.status != 'active' then cast(subscriptions.renewal_date as date)
        end as ends_on
    from adobe_quantities as quantities
    inner join {{ ref('int_adobe__subscriptions_priced') }} as subscriptions
        on subscriptions.tenant = quantities.tenant
        and subscriptions.subscription_id = quantities.subscription_id
),

adobe_spans as (
    -- Split where the quantity or the price changes.
    select
        quantities.tenant,
        quantities.subscription_id,
        quantities.customer_id,
        quantities.currency,
        quantities.quantity,
        prices.partner_price as unit_partner_price,
        greatest(quantities.starts_on, prices.price_starts_on) as starts_on,
        case
            when quantities.ends_on is null then prices.price_ends_on
            when prices.price_ends_on is null then quantities.ends_on
            else least(quantities.ends_on, prices.price_ends_on)
        end as ends_on
    from adobe_subscription_quantities as quantities
    inner join adobe_prices as prices
        on prices.tenant = quantities.tenant
        and prices.region = quantities.region
        and prices.market_segment = quantities.market_segment
        and prices.currency = quantities.currency
        and prices.price_list_type = quantities.price_list_type
        and prices.offer_id = quantities.offer_id
        and (quantities.ends_on is null or prices.price_starts_on < quantities.ends_on)
        and (prices.price_ends_on is null or prices.price_ends_on > quantities.starts_on)
    where quantities.quantity != 0
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
where subscription_state in ('active', 'expired')

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
    tenant,
    customer_id,
    subscription_id,
    currency,
    {{ money_divide('recurring_amount', 'months') }},
    starts_on,
    ends_on
from zoho_spans

union all

select
    'adobe',
    tenant,
    customer_id,
    subscription_id,
    currency,
    {{ money_divide('unit_partner_price * quantity', 12) }},
    starts_on,
    ends_on
from adobe_spans
