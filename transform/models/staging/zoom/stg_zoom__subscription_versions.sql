select
    tenant,
    subscription_number || '-v' || cast(version as varchar) as subscription_version_id,
    subscription_number,
    version,
    sequence as version_sequence,
    latest_version as is_latest_version,
    {{ json_text('action', [0]) }} as version_action,
    start_date as version_effective_date,
    end_date,
    {{ money('mrr') }} as mrr,
    currency
from {{ live_source('zoom', 'subscription_versions') }} as subscription_versions
