-- Adobe subscriptions priced like order lines (int_adobe__order_lines_priced), from the latest
-- month of the customer's partition's price list up to the as-of day: the monthly recurring
-- amount is the partner price per licence and year times the current quantity, over 12 months.
with subscriptions as (
    select
        subscriptions.*,
        partitions.company_name as customer_name,
        partitions.region,
        partitions.market_segment,
        case
            when substr(subscriptions.offer_id, 11, 2) in ('12', '13', '14') then '3YC'
            else 'STANDARD'
        end as price_list_type
    from "warehouse"."staging"."stg_adobe__subscriptions" as subscriptions
    left join "warehouse"."intermediate"."int_adobe__customer_partitions" as partitions
        on partitions.customer_id = subscriptions.customer_id
),

latest_prices as (
    select *
    from (
        select
            prices.*,
            row_number() over (
                partition by region, market_segment, currency, price_list_type, offer_id
                order by price_list_month desc
            ) as latest_rank
        from "warehouse"."intermediate"."int_adobe__price_list_months" as prices
        where price_list_month <= strftime(current_date, '%Y%m')
    ) as ranked
    where latest_rank = 1
)

select
    subscriptions.*,
    prices.product_family,
    prices.partner_price as unit_partner_price,
    prices.price_list_month,
    cast(
    sign(prices.partner_price * subscriptions.current_quantity)
    * ((2 * cast(abs(prices.partner_price * subscriptions.current_quantity) * 1000000000 as hugeint) + 10000000 * (12))
       // (20000000 * (12)))
    * cast(0.01 as decimal(38, 9))
    as decimal(38, 9)
  )
        as monthly_partner_amount
from subscriptions
left join latest_prices as prices
    on prices.region = subscriptions.region
    and prices.market_segment = subscriptions.market_segment
    and prices.currency = subscriptions.currency
    and prices.price_list_type = subscriptions.price_list_type
    and prices.offer_id = subscriptions.offer_id