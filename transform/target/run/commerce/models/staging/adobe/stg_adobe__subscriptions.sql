
  
  create view "warehouse"."staging"."stg_adobe__subscriptions__dbt_tmp" as (
    select
    subscriptions."subscriptionId" as subscription_id,
    subscriptions."customerId" as customer_id,
    subscriptions."offerId" as offer_id,
    subscriptions."currentQuantity" as current_quantity,
    subscriptions."usedQuantity" as used_quantity,
    cast(json_extract_string(subscriptions."autoRenewal", '$.enabled') as boolean)
        as is_auto_renewal,
    cast(json_extract_string(subscriptions."autoRenewal", '$.renewalQuantity') as integer)
        as renewal_quantity,
    subscriptions."renewalDate" as renewal_date,
    subscriptions."currencyCode" as currency,
    subscriptions."deploymentId" as deployment_id,
    subscriptions.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    subscriptions."creationDate" as created_at,
    cast(timezone('UTC', subscriptions."creationDate") as date) as start_date
from (select * from "warehouse"."adobe"."subscriptions" where _sdc_deleted_at is null) as subscriptions
left join "warehouse"."reference"."adobe_status_codes" as codes
    on codes.entity = 'subscription' and codes.status_code = subscriptions.status
  );
