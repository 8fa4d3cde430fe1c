-- One row per order line item, unnested from orders.lineItems. Adobe puts prices on a line only
-- when it answers with pricing (rarely): int_adobe__order_lines_priced prices the rest.
select
    lines.order_id || '-' || cast(lines.line_number as varchar) as order_line_id,
    lines.*,
    coalesce(codes.status_name, 'unknown') as status
from (
    select
        orders."orderId" as order_id,
        orders."customerId" as customer_id,
        coalesce(
            cast(json_extract_string(line.value, '$.extLineItemNumber') as integer),
            line.element_index + 1
        ) as line_number,
        json_extract_string(line.value, '$.offerId') as offer_id,
        json_extract_string(line.value, '$.subscriptionId') as subscription_id,
        cast(json_extract_string(line.value, '$.quantity') as integer) as quantity,
        coalesce(json_extract_string(line.value, '$.currencyCode'), orders."currencyCode")
            as currency,
        json_extract_string(line.value, '$.status') as status_code,
        json_extract_string(line.value, '$.discountCode') as discount_code,
        json_extract_string(line.value, '$.deploymentId') as deployment_id,
        cast(json_extract_string(line.value, '$.proratedDays') as integer) as prorated_days,
        cast(json_extract_string(line.value, '$.pricing.partnerPrice') as decimal(38, 9)) as partner_price,
        cast(json_extract_string(line.value, '$.pricing.discountedPartnerPrice') as decimal(38, 9))
            as discounted_partner_price,
        cast(json_extract_string(line.value, '$.pricing.netPartnerPrice') as decimal(38, 9)) as net_partner_price,
        cast(json_extract_string(line.value, '$.pricing.lineItemPartnerPrice') as decimal(38, 9))
            as line_item_partner_price
    from (select * from "warehouse"."adobe"."orders" where _sdc_deleted_at is null) as orders,
        lateral (
    select element.value, cast(element.key as integer) as element_index
    from json_each(orders."lineItems") as element
  ) as line
) as lines
left join "warehouse"."reference"."adobe_status_codes" as codes
    on codes.entity = 'order' and codes.status_code = lines.status_code