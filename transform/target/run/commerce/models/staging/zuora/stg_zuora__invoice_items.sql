
  
  create view "warehouse"."staging"."stg_zuora__invoice_items__dbt_tmp" as (
    select
    id as invoice_item_id,
    invoice_id,
    subscription_id as subscription_version_id,
    subscription_item_id,
    price_id,
    sku,
    name as charge_name,
    description,
    cast(quantity as decimal(38, 9)) as quantity,
    cast(unit_amount as decimal(38, 9)) as unit_amount,
    cast(amount as decimal(38, 9)) as amount,
    cast(tax as decimal(38, 9)) as tax_amount,
    cast(remaining_balance as decimal(38, 9)) as balance_amount,
    discount_item as is_discount_item,
    tax_inclusive as is_tax_inclusive,
    cast(service_start as date) as service_start_date,
    cast(service_end as date) as service_end_date,
    unit_of_measure,
    accounting_code,
    document_item_date as document_item_at,
    created_time as created_at,
    updated_time as updated_at
from (select * from "warehouse"."zuora"."invoice_items" where _sdc_deleted_at is null) as invoice_items
  );
