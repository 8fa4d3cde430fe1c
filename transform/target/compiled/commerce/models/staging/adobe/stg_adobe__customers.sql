-- The market segment (which prices an order line) exists only in the company profile.
select
    customers."customerId" as customer_id,
    customers."resellerId" as reseller_id,
    customers."externalReferenceId" as external_reference_id,
    json_extract_string(customers."companyProfile", '$.companyName') as company_name,
    json_extract_string(customers."companyProfile", '$.marketSegment') as market_segment,
    json_extract_string(customers."companyProfile", '$.address.country') as country,
    json_extract_string(customers."discounts", '$[0].level') as discount_level,
    json_extract_string(customers."benefits", '$[0].type') as benefit_type,
    json_extract_string(customers."benefits", '$[0].commitment.status') as commitment_status,
    cast(json_extract_string(customers."benefits", '$[0].commitment.startDate') as date)
        as commitment_start_date,
    cast(json_extract_string(customers."benefits", '$[0].commitment.endDate') as date)
        as commitment_end_date,
    customers."cotermDate" as coterm_date,
    customers.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    customers."creationDate" as created_at
from (select * from "warehouse"."adobe"."customers" where _sdc_deleted_at is null) as customers
left join "warehouse"."reference"."adobe_status_codes" as codes
    on codes.entity = 'customer' and codes.status_code = customers.status