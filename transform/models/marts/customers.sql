-- One row per customer per vendor account (tenant): the key every mart's customer_key refers to.
with customers as (
    select
        'zuora' as vendor,
        tenant,
        account_id as customer_id,
        account_name as customer_name,
        currency,
        cast(null as varchar) as country,
        cast(null as varchar) as market_segment
    from {{ ref('stg_zuora__accounts') }}
    union all
    -- Zoho lists no customers: they are the organisations its transactions and subscriptions name.
    select
        'zoho',
        tenant,
        customer_id,
        max(customer_name),
        cast(null as varchar),
        cast(null as varchar),
        cast(null as varchar)
    from (
        select tenant, customer_id, customer_name from {{ ref('stg_zoho__transactions') }}
        union all
        select tenant, customer_id, customer_name from {{ ref('stg_zoho__subscriptions') }}
    ) as organisations
    group by tenant, customer_id
    union all
    select 'zoom', tenant, account_id, account_name, currency, country, cast(null as varchar)
    from {{ ref('stg_zoom__accounts') }}
    union all
    select
        'adobe', tenant, customer_id, company_name, cast(null as varchar), country, market_segment
    from {{ ref('stg_adobe__customers') }}
)

select
    {{ account_key('customers', 'customer_id') }} as customer_key,
    customers.vendor,
    customers.tenant,
    customers.customer_id,
    customers.customer_name,
    customers.currency,
    customers.country,
    customers.market_segment,
    as_of.as_of
from customers
{{ join_as_of('customers.vendor') }}
