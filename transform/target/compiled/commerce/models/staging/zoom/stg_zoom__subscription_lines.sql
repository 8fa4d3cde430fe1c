-- One row per subscription line (an offer with its quantity), unnested from subscription_lines;
-- the line's first charge carries its prices.
select
    subscriptions.subscription_number || '-' || cast(line.element_index + 1 as varchar)
        as subscription_line_id,
    subscriptions.subscription_number,
    line.element_index + 1 as line_number,
    json_extract_string(line.value, '$.offer_id') as offer_id,
    json_extract_string(line.value, '$.offer_name') as offer_name,
    json_extract_string(line.value, '$.offer_type') as offer_type,
    json_extract_string(line.value, '$.sku') as sku,
    json_extract_string(line.value, '$.offer_price_list_id') as offer_price_list_id,
    json_extract_string(line.value, '$.offer_price_list_name') as offer_price_list_name,
    cast(json_extract_string(line.value, '$.quantity') as integer) as quantity,
    json_extract_string(line.value, '$.status') as line_status,
    cast(json_extract_string(line.value, '$.start_date') as date) as start_date,
    cast(json_extract_string(line.value, '$.end_date') as date) as end_date,
    cast(json_extract_string(line.value, '$.charges[0].sale_price.amount') as decimal(38, 9))
        as sale_price,
    cast(json_extract_string(line.value, '$.charges[0].net_price.amount') as decimal(38, 9))
        as net_price,
    cast(json_extract_string(line.value, '$.charges[0].net_amount.amount') as decimal(38, 9))
        as net_amount,
    subscriptions.currency
from (select * from "warehouse"."zoom"."subscriptions" where _sdc_deleted_at is null) as subscriptions,
    lateral (
    select element.value, cast(element.key as integer) as element_index
    from json_each(subscriptions.subscription_lines) as element
  ) as line