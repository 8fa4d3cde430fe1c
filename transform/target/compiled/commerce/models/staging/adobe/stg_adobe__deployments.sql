select
    deployments."deploymentId" as deployment_id,
    deployments."customerId" as customer_id,
    json_extract_string(deployments."companyProfile", '$.address.country') as country,
    deployments.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    deployments."creationDate" as created_at
from (select * from "warehouse"."adobe"."deployments" where _sdc_deleted_at is null) as deployments
left join "warehouse"."reference"."adobe_status_codes" as codes
    on codes.entity = 'customer' and codes.status_code = deployments.status