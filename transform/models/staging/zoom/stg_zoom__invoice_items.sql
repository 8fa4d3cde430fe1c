-- One row per invoice item, unnested from invoices.invoice_items; Zoom gives items no id, so the
-- line id is the invoice number and the item's position (1-based).
select
    tenant,
    invoices.invoice_number || '-' || cast(item.element_index + 1 as varchar) as invoice_item_id,
    invoices.invoice_number,
    item.element_index + 1 as line_number,
    invoices.invoice_date,
    {{ json_text('item.value', ['end_customer_account', 'crm_account_number']) }}
        as end_customer_account_id,
    {{ json_text('item.value', ['end_customer_account', 'account_name']) }}
        as end_customer_account_name,
    {{ json_text('item.value', ['subscription_number']) }} as subscription_number,
    {{ json_text('item.value', ['charge_name']) }} as charge_name,
    {{ json_text('item.value', ['charge_type']) }} as charge_type,
    {{ json_text('item.value', ['description']) }} as description,
    {{ json_text('item.value', ['offer_name']) }} as offer_name,
    {{ json_text('item.value', ['offer_price_list_id']) }} as offer_price_list_id,
    {{ json_text('item.value', ['offer_price_list_name']) }} as offer_price_list_name,
    {{ json_text('item.value', ['partner_sku_code']) }} as partner_sku_code,
    cast({{ json_text('item.value', ['quantity']) }} as integer) as quantity,
    cast({{ json_text('item.value', ['start_date']) }} as date) as service_start_date,
    cast({{ json_text('item.value', ['end_date']) }} as date) as service_end_date,
    {{ json_text('item.value', ['total_amount', 'currency']) }} as currency,
    {{ money(json_text('item.value', ['tax_amount', 'amount'])) }} as tax_amount,
    {{ money(json_text('item.value', ['total_amount', 'amount'])) }} as total_amount
from {{ live_source('zoom', 'invoices') }} as invoices,
    {{ json_array_elements('invoices.invoice_items', 'item') }}
