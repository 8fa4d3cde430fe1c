
  
  create view "warehouse"."staging"."stg_zuora__order_line_items__dbt_tmp" as (
    -- One row per order line item (one-time fees and services), unnested from orders.line_items.
select
    json_extract_string(line_item.value, '$.id') as order_line_item_id,
    orders.id as order_id,
    orders.order_number,
    orders.account_id,
    line_item.element_index as line_index,
    json_extract_string(line_item.value, '$.item_number') as item_number,
    json_extract_string(line_item.value, '$.name') as item_name,
    json_extract_string(line_item.value, '$.type') as item_type,
    json_extract_string(line_item.value, '$.category') as item_category,
    json_extract_string(line_item.value, '$.product_code') as product_code,
    json_extract_string(line_item.value, '$.state') as item_state,
    json_extract_string(line_item.value, '$.related_subscription_number')
        as related_subscription_number,
    cast(json_extract_string(line_item.value, '$.quantity') as decimal(38, 9)) as quantity,
    cast(json_extract_string(line_item.value, '$.unit_amount') as decimal(38, 9)) as unit_amount,
    cast(json_extract_string(line_item.value, '$.list_unit_price') as decimal(38, 9)) as list_unit_price,
    cast(json_extract_string(line_item.value, '$.discount_total') as decimal(38, 9)) as discount_amount,
    cast(json_extract_string(line_item.value, '$.subtotal') as decimal(38, 9)) as subtotal_amount,
    cast(json_extract_string(line_item.value, '$.total') as decimal(38, 9)) as total_amount,
    cast(json_extract_string(line_item.value, '$.start_date') as date) as start_date,
    cast(json_extract_string(line_item.value, '$.end_date') as date) as end_date,
    orders.order_date
from (select * from "warehouse"."zuora"."orders" where _sdc_deleted_at is null) as orders,
    lateral (
    select element.value, cast(element.key as integer) as element_index
    from json_each(orders.line_items) as element
  ) as line_item
  );
