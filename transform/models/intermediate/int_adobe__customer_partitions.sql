-- The price-list partition a customer buys in: the region of its country (seed
-- adobe_country_regions) and its market segment (only in companyProfile); with its anniversary
-- (the coterm date) that its orders' and subscriptions' terms keep to.
select
    customers.tenant,
    customers.customer_id,
    customers.company_name,
    customers.market_segment,
    customers.country,
    customers.coterm_date,
    regions.region
from {{ ref('stg_adobe__customers') }} as customers
left join {{ ref('adobe_country_regions') }} as regions on regions.country = customers.country
