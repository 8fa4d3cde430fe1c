select
    tenant,
    subscription_id,
    org_id as customer_id,
    customer_company_name as customer_name,
    email_id as customer_email,
    profile_id,
    status as subscription_status,
    subscription_type,
    pricing_type,
    service_id,
    service_name,
    plan_id,
    plan_name,
    billing_frequency,
    case billing_frequency
        when 'monthly' then 1
        when 'quarterly' then 3
        when 'half_yearly' then 6
        when 'yearly' then 12
    end as billing_period_months,
    subscription_start_date,
    next_recurring_date,
    {{ money('next_recurring_amount') }} as next_recurring_amount,
    {{ money('next_recurring_amount_usd') }} as next_recurring_amount_usd,
    currency_code as currency,
    paid_users
from {{ live_source('zoho', 'subscriptions') }} as subscriptions
