select
    tenant,
    resellers."resellerId" as reseller_id,
    resellers."distributorId" as distributor_id,
    resellers."externalReferenceId" as external_reference_id,
    {{ json_text('resellers."companyProfile"', ['companyName']) }} as company_name,
    {{ json_text('resellers."companyProfile"', ['address', 'country']) }} as country,
    resellers.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    resellers."creationDate" as created_at
from {{ live_source('adobe', 'resellers') }} as resellers
{{ adobe_status_join('resellers.status', 'reseller', 'codes') }}
