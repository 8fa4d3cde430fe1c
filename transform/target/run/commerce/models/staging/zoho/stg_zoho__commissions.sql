
  
  create view "warehouse"."staging"."stg_zoho__commissions__dbt_tmp" as (
    select
    commission_id,
    transaction_id,
    subscription_id,
    date as commission_date,
    commission_type,
    commission_type = 'Reversal' as is_reversal,
    status as commission_status_code,
    lower(status) as commission_status,
    entity as billing_entity,
    currency_code as currency,
    cast(eligible_txn_amount as decimal(38, 9)) as eligible_transaction_amount,
    cast(commission_percentage as decimal(38, 9)) as commission_percentage,
    cast(usd_commission as decimal(38, 9)) as commission_amount,
    cast(json_extract_string(transaction, '$.transaction_date') as date) as transaction_date,
    json_extract_string(transaction, '$.transaction_type') as transaction_type,
    json_extract_string(transaction, '$.service_name') as service_name,
    json_extract_string(subscription, '$.org_id') as customer_id
from (select * from "warehouse"."zoho"."commissions" where _sdc_deleted_at is null) as commissions
  );
