-- One row per subscription line (an offer with its quantity), unnested from subscription_lines;
-- the line's first charge carries its prices.
select
    tenant,
    subscriptions.subscription_number || '-' || cast(line.element_index + 1 as varchar)
        as subscription_line_id,
    subscriptions.subscription_number,
    line.element_index + 1 as line_number,
    {{ json_text('line.value', ['offer_id']) }} as offer_id,
    {{ json_text('line.value', ['offer_name']) }} as offer_name,
    {{ json_text('line.value', ['offer_type']) }} as offer_type,
    {{ json_text('line.value', ['sku']) }} as sku,
    {{ json_text('line.value', ['offer_price_list_id']) }} as offer_price_list_id,
    {{ json_text('line.value', ['offer_price_list_name']) }} as offer_price_list_name,
    cast({{ json_text('line.value', ['quantity']) }} as integer) as quantity,
    {{ json_text('line.value', ['status']) }} as line_status,
    cast({{ json_text('line.value', ['start_date']) }} as date) as start_date,
    cast({{ json_text('line.value', ['end_date']) }} as date) as end_date,
    {{ money(json_text('line.value', ['charges', 0, 'sale_price', 'amount'])) }}
        as sale_price,
    {{ money(json_text('line.value', ['charges', 0, 'net_price', 'amount'])) }}
        as net_price,
    {{ money(json_text('line.value', ['charges', 0, 'net_amount', 'amount'])) }}
        as net_amount,
    subscriptions.currency
from {{ live_source('zoom', 'subscriptions') }} as subscriptions,
    {{ json_array_elements('subscriptions.subscription_lines', 'line') }}
