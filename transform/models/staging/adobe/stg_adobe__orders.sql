select
    tenant,
    orders."orderId" as order_id,
    orders."customerId" as customer_id,
    orders."externalReferenceId" as external_reference_id,
    orders."orderType" as order_type,
    nullif(orders."referenceOrderId", '') as reference_order_id,
    orders."currencyCode" as currency,
    orders."creationDate" as created_at,
    {{ utc_date('orders."creationDate"') }} as order_date,
    orders.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    orders.source as order_source,
    {{ money(json_text('orders."pricingSummary"', [0, 'totalLineItemPartnerPrice'])) }}
        as summary_partner_price
from {{ live_source('adobe', 'orders') }} as orders
{{ adobe_status_join('orders.status', 'order', 'codes') }}
