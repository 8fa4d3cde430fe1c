select
    subscription_number || '-v' || cast(version as varchar) as subscription_version_id,
    subscription_number,
    version,
    sequence as version_sequence,
    latest_version as is_latest_version,
    json_extract_string(action, '$[0]') as version_action,
    start_date as version_effective_date,
    end_date,
    cast(mrr as decimal(38, 9)) as mrr,
    currency
from (select * from "warehouse"."zoom"."subscription_versions" where _sdc_deleted_at is null) as subscription_versions