
  
  create view "warehouse"."staging"."stg_zoom__accounts__dbt_tmp" as (
    select
    crm_account_number as account_id,
    account_name,
    zoom_account_number,
    create_reference_id,
    account_type,
    partner_type,
    country,
    currency,
    website,
    status as account_status
from (select * from "warehouse"."zoom"."accounts" where _sdc_deleted_at is null) as accounts
  );
