-- One row per partition (region, market segment, currency, price list type), month and offer
-- (and first order date, when Adobe publishes an offer's price twice in a month).
select
    tenant,
    "priceListMonth" || '|' || region || '|' || "marketSegment" || '|' || currency || '|'
        || "priceListType" || '|' || "offerId" || '|'
        || coalesce(cast("firstOrderDate" as varchar), '') as price_list_row_id,
    "priceListMonth" as price_list_month,
    region,
    "marketSegment" as market_segment,
    currency,
    "priceListType" as price_list_type,
    "offerId" as offer_id,
    "productFamily" as product_family,
    "productType" as product_type,
    "productTypeDetail" as product_type_detail,
    "levelDetails" as level_details,
    duration,
    "firstOrderDate" as first_order_at,
    "lastOrderDate" as last_order_at,
    {{ money('"partnerPrice"') }} as partner_price,
    {{ money('"estimatedStreetPrice"') }} as estimated_street_price,
    nullif("acdIndicator", '') as acd_indicator,
    "acdEffectiveDate" as acd_effective_at,
    "acdDescription" as acd_description
from {{ live_source('adobe', 'price_lists') }} as price_lists
