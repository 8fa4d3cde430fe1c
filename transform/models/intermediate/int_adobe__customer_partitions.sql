-- The price-list partition a customer buys in: the region of its country (seed
-- adobe_country_regions) and its market segment (only in companyProfile).
select
    customers.tenant,
    customers.customer_id,
    customers.company_name,
    customers.market_segment,
    customers.country,
    regions.region
from {{ ref('stg_adobe__customers') }} as customers
left join {{ ref('adobe_country_regions') }} as regions on regions.country = customers.country
