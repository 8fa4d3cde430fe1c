-- Adobe subscriptions priced like order lines (int_adobe__order_lines_priced), from the latest
-- month of the customer's partition's price list up to Adobe's as-of day (int_vendor_loads): the
-- monthly recurring amount is the partner price per licence and year times the current quantity,
-- over 12 months.
with subscriptions as (
    select
        subscriptions.*,
        partitions.company_name as customer_name,
        partitions.region,
        partitions.market_segment,
        {{ adobe_price_list_type('subscriptions.offer_id') }} as price_list_type
    from {{ ref('stg_adobe__subscriptions') }} as subscriptions
    left join {{ ref('int_adobe__customer_partitions') }} as partitions
        on partitions.tenant = subscriptions.tenant
        and partitions.customer_id = subscriptions.customer_id
),

latest_prices as (
    {{
        first_per_group(
            '(select prices.* from ' ~ ref('int_adobe__price_list_months') ~ ' as prices '
                ~ join_as_of("'adobe'") ~ ' where prices.price_list_month <= '
                ~ yyyymm('as_of.as_of') ~ ')',
            'tenant, region, market_segment, currency, price_list_type, offer_id',
            'price_list_month desc',
            rank_column='latest_rank',
        )
    }}
)

select
    subscriptions.*,
    prices.product_family,
    prices.partner_price as unit_partner_price,
    prices.price_list_month,
    {{ money_divide('prices.partner_price * subscriptions.current_quantity', 12) }}
        as monthly_partner_amount
from subscriptions
left join latest_prices as prices
    on prices.tenant = subscriptions.tenant
    and prices.region = subscriptions.region
    and prices.market_segment = subscriptions.market_segment
    and prices.currency = subscriptions.currency
    and prices.price_list_type = subscriptions.price_list_type
    and prices.offer_id = subscriptions.offer_id
