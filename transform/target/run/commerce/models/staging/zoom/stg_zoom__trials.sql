
  
  create view "warehouse"."staging"."stg_zoom__trials__dbt_tmp" as (
    select
    trial_id,
    json_extract_string(subscription_owner, '$.crm_account_number') as end_customer_account_id,
    json_extract_string(subscription_owner, '$.account_name') as end_customer_account_name,
    json_extract_string(invoice_owner, '$.crm_account_number') as invoice_owner_crm_account_number,
    sub_reseller_name
from (select * from "warehouse"."zoom"."trials" where _sdc_deleted_at is null) as trials
  );
