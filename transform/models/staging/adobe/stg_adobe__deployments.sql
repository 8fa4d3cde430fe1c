select
    tenant,
    deployments."deploymentId" as deployment_id,
    deployments."customerId" as customer_id,
    {{ json_text('deployments."companyProfile"', ['address', 'country']) }} as country,
    deployments.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    deployments."creationDate" as created_at
from {{ live_source('adobe', 'deployments') }} as deployments
{{ adobe_status_join('deployments.status', 'customer', 'codes') }}
