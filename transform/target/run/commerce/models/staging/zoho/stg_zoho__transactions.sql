
  
  create view "warehouse"."staging"."stg_zoho__transactions__dbt_tmp" as (
    select
    transaction_id,
    subscription_id,
    org_id as customer_id,
    customer_company_name as customer_name,
    email_id as customer_email,
    transaction_date,
    transaction_type,
    subscription_type,
    pricing_type,
    billing_frequency,
    service_id,
    service_name,
    plan_name,
    paid_users,
    currency_code as currency,
    cast(amount as decimal(38, 9)) as amount,
    cast(amount_usd as decimal(38, 9)) as amount_usd,
    invoice_number,
    invoiced_entity,
    cast(invoice_amount as decimal(38, 9)) as invoice_amount,
    invoice_number is not null as is_invoiced
from (select * from "warehouse"."zoho"."transactions" where _sdc_deleted_at is null) as transactions
  );
