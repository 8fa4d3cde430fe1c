select
    order_reference_id as order_id,
    order_number,
    status as order_status,
    order_type,
    transaction_type,
    end_customer_crm_account_number as end_customer_account_id,
    end_customer_account_name,
    invoice_owner_crm_account_number,
    sub_reseller_crm_account_number,
    creation_date,
    effective_date,
    updated_date,
    {{ json_text('net_amount', ['currency']) }} as currency,
    {{ money_amount('net_amount') }} as net_amount,
    {{ money_amount('tcv') }} as total_contract_value,
    deal_reg_number,
    po_number
from {{ live_source('zoom', 'orders') }} as orders
