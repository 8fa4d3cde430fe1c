
  
  create view "warehouse"."staging"."stg_adobe__resellers__dbt_tmp" as (
    select
    resellers."resellerId" as reseller_id,
    resellers."distributorId" as distributor_id,
    resellers."externalReferenceId" as external_reference_id,
    json_extract_string(resellers."companyProfile", '$.companyName') as company_name,
    json_extract_string(resellers."companyProfile", '$.address.country') as country,
    resellers.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    resellers."creationDate" as created_at
from (select * from "warehouse"."adobe"."resellers" where _sdc_deleted_at is null) as resellers
left join "warehouse"."reference"."adobe_status_codes" as codes
    on codes.entity = 'reseller' and codes.status_code = resellers.status
  );
