-- Per price-list partition (region, market segment, currency, type) and offer, the months whose
-- partner price differs from the month before: Add (new offer), Change, Delete (Adobe's last
-- month for the offer), from Adobe's acdIndicator where it says so, else from the prices.
-- Prices are per licence for the term, in the partition's currency (no conversion).
with months as (
    select
        prices.*,
        lag(partner_price) over (
            partition by tenant, region, market_segment, currency, price_list_type, offer_id
            order by price_list_month
        ) as previous_partner_price,
        lag(price_list_month) over (
            partition by tenant, region, market_segment, currency, price_list_type, offer_id
            order by price_list_month
        ) as previous_price_list_month
    from {{ ref('int_adobe__price_list_months') }} as prices
),

changes as (
    select
        months.*,
        coalesce(
            acd_indicator,
            case
                when previous_partner_price is null then 'Add'
                when partner_price != previous_partner_price then 'Change'
            end
        ) as change_type
    from months
)

select
    tenant || '|' || price_list_row_id as price_change_key,
    tenant,
    price_list_month,
    cast(
        substr(price_list_month, 1, 4) || '-' || substr(price_list_month, 5, 2) || '-01' as date
    ) as price_month,
    region,
    market_segment,
    currency,
    price_list_type,
    offer_id,
    product_family,
    level_details,
    change_type,
    acd_indicator,
    acd_effective_at,
    previous_price_list_month,
    previous_partner_price,
    partner_price,
    partner_price - previous_partner_price as price_change_amount,
    case
        when previous_partner_price != 0
            then {{ percent_rounded('partner_price - previous_partner_price', 'previous_partner_price') }}
    end as price_change_percent,
    as_of.as_of
from changes
{{ join_as_of("'adobe'") }}
where change_type is not null
