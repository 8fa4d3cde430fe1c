-- Adobe order lines with a partner price. Adobe prices a line itself only when its answer has
-- pricing (rarely); otherwise the line is priced from the month's price list of the customer's
-- partition: the order's month, the region of the customer's country, its market segment, the
-- line's currency, and the price list type the offer id's level digits name (12-14: 3YC). A line
-- whose partition, month or offer has no price list row stays unpriced (is_priced false) and is
-- counted in the marts. Partner prices are per licence for the term; RETURN orders count negative.
with lines as (
    select
        lines.*,
        orders.order_type,
        orders.order_date,
        orders.created_at as order_created_at,
        orders.status as order_status,
        partitions.company_name as customer_name,
        partitions.region,
        partitions.market_segment,
        {{ adobe_price_list_type('lines.offer_id') }} as price_list_type,
        case when orders.order_type = 'RETURN' then -1 else 1 end as sign
    from {{ ref('stg_adobe__order_line_items') }} as lines
    inner join {{ ref('stg_adobe__orders') }} as orders
        on orders.tenant = lines.tenant and orders.order_id = lines.order_id
    left join {{ ref('int_adobe__customer_partitions') }} as partitions
        on partitions.tenant = lines.tenant and partitions.customer_id = lines.customer_id
)

select
    lines.*,
    prices.product_family,
    prices.product_type,
    prices.price_list_row_id,
    coalesce(lines.partner_price, prices.partner_price) as unit_partner_price,
    case
        when lines.line_item_partner_price is not null then 'vendor'
        when prices.partner_price is not null then 'price_list'
    end as price_source,
    lines.line_item_partner_price is not null or prices.partner_price is not null as is_priced,
    lines.sign * coalesce(
        lines.line_item_partner_price, prices.partner_price * lines.quantity
    ) as line_partner_amount
from lines
left join {{ ref('int_adobe__price_list_months') }} as prices
    on prices.tenant = lines.tenant
    and prices.price_list_month = {{ yyyymm('lines.order_date') }}
    and prices.region = lines.region
    and prices.market_segment = lines.market_segment
    and prices.currency = lines.currency
    and prices.price_list_type = lines.price_list_type
    and prices.offer_id = lines.offer_id
