select
    tenant,
    crm_account_number as account_id,
    account_name,
    zoom_account_number,
    create_reference_id,
    account_type,
    partner_type,
    country,
    currency,
    website,
    status as account_status
from {{ live_source('zoom', 'accounts') }} as accounts
