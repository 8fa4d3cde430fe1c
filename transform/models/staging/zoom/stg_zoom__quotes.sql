select
    tenant,
    quote_reference_id as quote_id,
    quote_number,
    status as quote_status,
    quote_type,
    transaction_type,
    end_customer_crm_account_number as end_customer_account_id,
    end_customer_account_name,
    creation_date,
    effective_date,
    updated_date,
    {{ json_text('net_amount', ['currency']) }} as currency,
    {{ money_amount('net_amount') }} as net_amount,
    deal_reg_number
from {{ live_source('zoom', 'quotes') }} as quotes
