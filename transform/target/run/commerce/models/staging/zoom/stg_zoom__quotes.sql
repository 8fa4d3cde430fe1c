
  
  create view "warehouse"."staging"."stg_zoom__quotes__dbt_tmp" as (
    select
    quote_reference_id as quote_id,
    quote_number,
    status as quote_status,
    quote_type,
    transaction_type,
    end_customer_crm_account_number as end_customer_account_id,
    end_customer_account_name,
    creation_date,
    effective_date,
    updated_date,
    json_extract_string(net_amount, '$.currency') as currency,
    cast(json_extract_string(net_amount, '$.amount') as decimal(38, 9)) as net_amount,
    deal_reg_number
from (select * from "warehouse"."zoom"."quotes" where _sdc_deleted_at is null) as quotes
  );
