-- One row per order line item, unnested from orders.lineItems. Adobe puts prices on a line only
-- when it answers with pricing (rarely): int_adobe__order_lines_priced prices the rest.
select
    lines.order_id || '-' || cast(lines.line_number as varchar) as order_line_id,
    lines.*,
    coalesce(codes.status_name, 'unknown') as status
from (
    select
        orders.tenant,
        orders."orderId" as order_id,
        orders."customerId" as customer_id,
        coalesce(
            cast({{ json_text('line.value', ['extLineItemNumber']) }} as integer),
            line.element_index + 1
        ) as line_number,
        {{ json_text('line.value', ['offerId']) }} as offer_id,
        {{ json_text('line.value', ['subscriptionId']) }} as subscription_id,
        cast({{ json_text('line.value', ['quantity']) }} as integer) as quantity,
        coalesce({{ json_text('line.value', ['currencyCode']) }}, orders."currencyCode")
            as currency,
        {{ json_text('line.value', ['status']) }} as status_code,
        {{ json_text('line.value', ['discountCode']) }} as discount_code,
        {{ json_text('line.value', ['deploymentId']) }} as deployment_id,
        cast({{ json_text('line.value', ['proratedDays']) }} as integer) as prorated_days,
        {{ money(json_text('line.value', ['pricing', 'partnerPrice'])) }} as partner_price,
        {{ money(json_text('line.value', ['pricing', 'discountedPartnerPrice'])) }}
            as discounted_partner_price,
        {{ money(json_text('line.value', ['pricing', 'netPartnerPrice'])) }} as net_partner_price,
        {{ money(json_text('line.value', ['pricing', 'lineItemPartnerPrice'])) }}
            as line_item_partner_price
    from {{ live_source('adobe', 'orders') }} as orders,
        {{ json_array_elements('orders."lineItems"', 'line') }}
) as lines
{{ adobe_status_join('lines.status_code', 'order', 'codes') }}
