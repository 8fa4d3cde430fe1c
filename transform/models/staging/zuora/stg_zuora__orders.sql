select
    tenant,
    id as order_id,
    order_number,
    order_date,
    account_id,
    state as order_state,
    category,
    description,
    created_time as created_at,
    updated_time as updated_at
from {{ live_source('zuora', 'orders') }} as orders
