select
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
from (select * from "warehouse"."adobe"."flex_discounts" where _sdc_deleted_at is null) as flex_discounts