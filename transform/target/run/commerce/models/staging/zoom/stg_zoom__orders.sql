
  
  create view "warehouse"."staging"."stg_zoom__orders__dbt_tmp" as (
    select
    order_reference_id as order_id,
    order_number,
    status as order_status,
    order_type,
    transaction_type,
    end_customer_crm_account_number as end_customer_account_id,
    end_customer_account_name,
    invoice_owner_crm_account_number,
    sub_reseller_crm_account_number,
    creation_date,
    effective_date,
    updated_date,
    json_extract_string(net_amount, '$.currency') as currency,
    cast(json_extract_string(net_amount, '$.amount') as decimal(38, 9)) as net_amount,
    cast(json_extract_string(tcv, '$.amount') as decimal(38, 9)) as total_contract_value,
    deal_reg_number,
    po_number
from (select * from "warehouse"."zoom"."orders" where _sdc_deleted_at is null) as orders
  );
