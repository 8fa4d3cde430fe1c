-- One row per order line item (one-time fees and services), unnested from orders.line_items.
select
    tenant,
    {{ json_text('line_item.value', ['id']) }} as order_line_item_id,
    orders.id as order_id,
    orders.order_number,
    orders.account_id,
    line_item.element_index as line_index,
    {{ json_text('line_item.value', ['item_number']) }} as item_number,
    {{ json_text('line_item.value', ['name']) }} as item_name,
    {{ json_text('line_item.value', ['type']) }} as item_type,
    {{ json_text('line_item.value', ['category']) }} as item_category,
    {{ json_text('line_item.value', ['product_code']) }} as product_code,
    {{ json_text('line_item.value', ['state']) }} as item_state,
    {{ json_text('line_item.value', ['related_subscription_number']) }}
        as related_subscription_number,
    cast({{ json_text('line_item.value', ['quantity']) }} as decimal(38, 9)) as quantity,
    {{ money(json_text('line_item.value', ['unit_amount'])) }} as unit_amount,
    {{ money(json_text('line_item.value', ['list_unit_price'])) }} as list_unit_price,
    {{ money(json_text('line_item.value', ['discount_total'])) }} as discount_amount,
    {{ money(json_text('line_item.value', ['subtotal'])) }} as subtotal_amount,
    {{ money(json_text('line_item.value', ['total'])) }} as total_amount,
    cast({{ json_text('line_item.value', ['start_date']) }} as date) as start_date,
    cast({{ json_text('line_item.value', ['end_date']) }} as date) as end_date,
    orders.order_date
from {{ live_source('zuora', 'orders') }} as orders,
    {{ json_array_elements('orders.line_items', 'line_item') }}
