select
    orders."orderId" as order_id,
    orders."customerId" as customer_id,
    orders."externalReferenceId" as external_reference_id,
    orders."orderType" as order_type,
    nullif(orders."referenceOrderId", '') as reference_order_id,
    orders."currencyCode" as currency,
    orders."creationDate" as created_at,
    cast(timezone('UTC', orders."creationDate") as date) as order_date,
    orders.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    orders.source as order_source,
    cast(json_extract_string(orders."pricingSummary", '$[0].totalLineItemPartnerPrice') as decimal(38, 9))
        as summary_partner_price
from (select * from "warehouse"."adobe"."orders" where _sdc_deleted_at is null) as orders
left join "warehouse"."reference"."adobe_status_codes" as codes
    on codes.entity = 'order' and codes.status_code = orders.status