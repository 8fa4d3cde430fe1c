
  
  create view "warehouse"."staging"."stg_zoom__invoice_items__dbt_tmp" as (
    -- One row per invoice item, unnested from invoices.invoice_items; Zoom gives items no id, so the
-- line id is the invoice number and the item's position (1-based).
select
    invoices.invoice_number || '-' || cast(item.element_index + 1 as varchar) as invoice_item_id,
    invoices.invoice_number,
    item.element_index + 1 as line_number,
    invoices.invoice_date,
    json_extract_string(item.value, '$.end_customer_account.crm_account_number')
        as end_customer_account_id,
    json_extract_string(item.value, '$.end_customer_account.account_name')
        as end_customer_account_name,
    json_extract_string(item.value, '$.subscription_number') as subscription_number,
    json_extract_string(item.value, '$.charge_name') as charge_name,
    json_extract_string(item.value, '$.charge_type') as charge_type,
    json_extract_string(item.value, '$.description') as description,
    json_extract_string(item.value, '$.offer_name') as offer_name,
    json_extract_string(item.value, '$.offer_price_list_id') as offer_price_list_id,
    json_extract_string(item.value, '$.offer_price_list_name') as offer_price_list_name,
    json_extract_string(item.value, '$.partner_sku_code') as partner_sku_code,
    cast(json_extract_string(item.value, '$.quantity') as integer) as quantity,
    cast(json_extract_string(item.value, '$.start_date') as date) as service_start_date,
    cast(json_extract_string(item.value, '$.end_date') as date) as service_end_date,
    json_extract_string(item.value, '$.total_amount.currency') as currency,
    cast(json_extract_string(item.value, '$.tax_amount.amount') as decimal(38, 9)) as tax_amount,
    cast(json_extract_string(item.value, '$.total_amount.amount') as decimal(38, 9)) as total_amount
from (select * from "warehouse"."zoom"."invoices" where _sdc_deleted_at is null) as invoices,
    lateral (
    select element.value, cast(element.key as integer) as element_index
    from json_each(invoices.invoice_items) as element
  ) as item
  );
