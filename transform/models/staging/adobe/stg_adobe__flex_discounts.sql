select
    tenant,
    id as flex_discount_id,
    name as flex_discount_name,
    code as discount_code,
    description,
    status as flex_discount_status,
    category,
    "marketSegment" as market_segment,
    country,
    "startDate" as starts_at,
    "endDate" as ends_at
from {{ live_source('adobe', 'flex_discounts') }} as flex_discounts
