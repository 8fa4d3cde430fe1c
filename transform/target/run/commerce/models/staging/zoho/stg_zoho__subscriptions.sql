
  
  create view "warehouse"."staging"."stg_zoho__subscriptions__dbt_tmp" as (
    select
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
    cast(next_recurring_amount as decimal(38, 9)) as next_recurring_amount,
    cast(next_recurring_amount_usd as decimal(38, 9)) as next_recurring_amount_usd,
    currency_code as currency,
    paid_users
from (select * from "warehouse"."zoho"."subscriptions" where _sdc_deleted_at is null) as subscriptions
  );
