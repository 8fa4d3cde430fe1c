-- The market segment (which prices an order line) exists only in the company profile.
select
    tenant,
    customers."customerId" as customer_id,
    customers."resellerId" as reseller_id,
    customers."externalReferenceId" as external_reference_id,
    {{ json_text('customers."companyProfile"', ['companyName']) }} as company_name,
    {{ json_text('customers."companyProfile"', ['marketSegment']) }} as market_segment,
    {{ json_text('customers."companyProfile"', ['address', 'country']) }} as country,
    {{ json_text('customers."discounts"', [0, 'level']) }} as discount_level,
    {{ json_text('customers."benefits"', [0, 'type']) }} as benefit_type,
    {{ json_text('customers."benefits"', [0, 'commitment', 'status']) }} as commitment_status,
    cast({{ json_text('customers."benefits"', [0, 'commitment', 'startDate']) }} as date)
        as commitment_start_date,
    cast({{ json_text('customers."benefits"', [0, 'commitment', 'endDate']) }} as date)
        as commitment_end_date,
    customers."cotermDate" as coterm_date,
    customers.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    customers."creationDate" as created_at
from {{ live_source('adobe', 'customers') }} as customers
{{ adobe_status_join('customers.status', 'customer', 'codes') }}
