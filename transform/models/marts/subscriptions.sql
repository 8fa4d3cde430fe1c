-- One row per current subscription across vendors (Zuora: the latest version). The monthly
-- recurring amount is in the subscription's currency (no conversion), zero unless active.
with subscriptions as (
    select
        'zuora' as vendor,
        tenant,
        subscription_number as subscription_id,
        account_id as customer_id,
        cast(null as varchar) as product_id,
        description as product_name,
        cast(null as integer) as quantity,
        case subscription_state
            when 'active' then 'active'
            when 'cancelled' then 'cancelled'
            when 'expired' then 'expired'
            when 'pending_activation' then 'pending'
            when 'pending_acceptance' then 'pending'
            when 'suspended' then 'suspended'
            else subscription_state
        end as status,
        start_date,
        end_date,
        case when term_type = 'termed' then current_term_end_date end as renewal_date,
        term_type,
        case when current_term_period_type = 'month' then current_term_period end as term_months,
        1 as billing_period_months,
        is_auto_renew,
        currency,
        contracted_mrr as recurring_amount,
        true as is_priced
    from {{ ref('stg_zuora__subscriptions') }}

    union all

    select
        'zoho',
        tenant,
        subscription_id,
        customer_id,
        plan_id,
        plan_name,
        paid_users,
        subscription_status,
        subscription_start_date,
        cast(null as date),
        next_recurring_date,
        'recurring',
        billing_period_months,
        billing_period_months,
        subscription_status = 'active',
        currency,
        {{ money_divide('next_recurring_amount', 'billing_period_months') }},
        true
    from {{ ref('stg_zoho__subscriptions') }}

    union all

    select
        'zoom',
        subscriptions.tenant,
        subscriptions.subscription_number,
        subscriptions.end_customer_account_id,
        first_line.offer_id,
        first_line.offer_name,
        lines.active_quantity,
        subscriptions.subscription_status,
        subscriptions.start_date,
        subscriptions.end_date,
        case
            when subscriptions.is_auto_renew and subscriptions.subscription_status = 'active'
                then subscriptions.end_date
        end,
        lower(subscriptions.term_type),
        subscriptions.term_period,
        cast(null as integer),
        subscriptions.is_auto_renew,
        subscriptions.currency,
        subscriptions.mrr_amount,
        true
    from {{ ref('stg_zoom__subscriptions') }} as subscriptions
    left join {{ ref('stg_zoom__subscription_lines') }} as first_line
        on first_line.tenant = subscriptions.tenant
        and first_line.subscription_number = subscriptions.subscription_number
        and first_line.line_number = 1
    left join (
        select
            tenant,
            subscription_number,
            sum(case when line_status = 'active' then quantity else 0 end) as active_quantity
        from {{ ref('stg_zoom__subscription_lines') }}
        group by tenant, subscription_number
    ) as lines
        on lines.tenant = subscriptions.tenant
        and lines.subscription_number = subscriptions.subscription_number

    union all

    select
        'adobe',
        tenant,
        subscription_id,
        customer_id,
        offer_id,
        product_family,
        current_quantity,
        status,
        start_date,
        renewal_date,
        renewal_date,
        'annual',
        12,
        12,
        is_auto_renewal,
        currency,
        monthly_partner_amount,
        monthly_partner_amount is not null
    from {{ ref('int_adobe__subscriptions_priced') }}
)

select
    {{ account_key('subscriptions', 'subscription_id') }} as subscription_key,
    subscriptions.vendor,
    subscriptions.tenant,
    subscriptions.subscription_id,
    {{ account_key('subscriptions', 'customer_id') }} as customer_key,
    subscriptions.customer_id,
    customers.customer_name,
    subscriptions.product_id,
    subscriptions.product_name,
    subscriptions.quantity,
    subscriptions.status,
    subscriptions.status = 'active' as is_active,
    subscriptions.start_date,
    subscriptions.end_date,
    subscriptions.renewal_date,
    subscriptions.term_type,
    subscriptions.term_months,
    subscriptions.billing_period_months,
    subscriptions.is_auto_renew,
    subscriptions.currency,
    case
        when subscriptions.status = 'active' then subscriptions.recurring_amount
        else {{ money(0) }}
    end as monthly_recurring_amount,
    subscriptions.is_priced,
    as_of.as_of
from subscriptions
left join {{ ref('customers') }} as customers
    on customers.customer_key = {{ account_key('subscriptions', 'customer_id') }}
{{ join_as_of('subscriptions.vendor') }}
