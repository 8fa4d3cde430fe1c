-- One row per billed line across vendors, in one schema modelled on the standardized billing
-- model (Fivetran's *__line_item_enhanced). Amounts in the line's currency (no conversion: there
-- is no rate source); total_amount includes tax. Credit memos (Zoom) are one negative line each.
with lines as (
    select
        'zuora' as vendor,
        items.tenant,
        items.invoice_id as document_id,
        items.invoice_item_id as line_id,
        'invoice_item' as record_type,
        'charge' as line_type,
        invoices.document_date,
        invoices.currency,
        items.quantity,
        items.unit_amount,
        {{ money(0) }} as discount_amount,
        items.tax_amount,
        items.amount + items.tax_amount as total_amount,
        invoices.account_id as customer_id,
        versions.subscription_number as subscription_id,
        items.sku as product_id,
        items.charge_name as product_name,
        cast(null as varchar) as product_type,
        items.service_start_date as service_period_start,
        items.service_end_date as service_period_end,
        true as is_priced,
        'vendor' as price_source
    from {{ ref('stg_zuora__invoice_items') }} as items
    inner join {{ ref('stg_zuora__invoices') }} as invoices
        on invoices.tenant = items.tenant and invoices.invoice_id = items.invoice_id
    left join {{ ref('stg_zuora__subscription_versions') }} as versions
        on versions.tenant = items.tenant
        and versions.subscription_version_id = items.subscription_version_id

    union all

    select
        'zoom',
        items.tenant,
        items.invoice_number,
        items.invoice_item_id,
        'invoice_item',
        lower(items.charge_type),
        items.invoice_date,
        items.currency,
        cast(items.quantity as decimal(38, 9)),
        cast(null as decimal(38, 9)),
        {{ money(0) }},
        items.tax_amount,
        items.total_amount,
        items.end_customer_account_id,
        items.subscription_number,
        items.offer_price_list_id,
        items.offer_name,
        items.charge_type,
        items.service_start_date,
        items.service_end_date,
        true,
        'vendor'
    from {{ ref('stg_zoom__invoice_items') }} as items

    union all

    -- A Zoom credit memo has no items: one line for the whole memo, negative.
    select
        'zoom',
        memos.tenant,
        memos.document_id,
        memos.document_id,
        'credit_memo',
        'credit',
        memos.document_date,
        memos.currency,
        cast(null as decimal(38, 9)),
        cast(null as decimal(38, 9)),
        {{ money(0) }},
        {{ money(0) }},
        memos.total_amount,
        memos.customer_id,
        cast(null as varchar),
        cast(null as varchar),
        cast(null as varchar),
        cast(null as varchar),
        memos.document_date,
        memos.document_date,
        true,
        'vendor'
    from {{ ref('invoices') }} as memos
    where memos.vendor = 'zoom' and memos.document_type = 'credit_memo'

    union all

    select
        'adobe',
        lines.tenant,
        lines.order_id,
        lines.order_line_id,
        'order_line',
        lower(lines.order_type),
        lines.order_date,
        lines.currency,
        cast(lines.quantity as decimal(38, 9)),
        lines.unit_partner_price,
        coalesce(
            (lines.partner_price - lines.discounted_partner_price) * lines.quantity, {{ money(0) }}
        ),
        cast(null as decimal(38, 9)),
        lines.line_partner_amount,
        lines.customer_id,
        lines.subscription_id,
        lines.offer_id,
        lines.product_family,
        lines.product_type,
        lines.order_date,
        cast(null as date),
        lines.is_priced,
        lines.price_source
    from {{ ref('int_adobe__order_lines_priced') }} as lines

    union all

    -- A Zoho transaction is its own line (and, once invoiced, its own invoice): refunds arrive
    -- negative, cancellations as zero.
    select
        'zoho',
        tenant,
        invoice_number,
        transaction_id,
        'transaction',
        transaction_type,
        transaction_date,
        currency,
        cast(paid_users as decimal(38, 9)),
        cast(null as decimal(38, 9)),
        {{ money(0) }},
        cast(null as decimal(38, 9)),
        amount,
        customer_id,
        subscription_id,
        service_id,
        plan_name,
        billing_frequency,
        transaction_date,
        cast(null as date),
        true,
        'vendor'
    from {{ ref('stg_zoho__transactions') }}
)

select
    {{ account_key('lines', 'line_id') }} as line_key,
    lines.vendor,
    lines.tenant,
    {{ account_key('lines', 'document_id') }} as document_key,
    lines.document_id,
    documents.document_number,
    lines.line_id,
    lines.record_type,
    lines.line_type,
    lines.document_date,
    {{ month_start('lines.document_date') }} as document_month,
    coalesce(documents.status, 'pending') as status,
    lines.currency,
    lines.quantity,
    lines.unit_amount,
    lines.discount_amount,
    lines.tax_amount,
    lines.total_amount,
    {{ account_key('lines', 'customer_id') }} as customer_key,
    lines.customer_id,
    customers.customer_name,
    {{ account_key('lines', 'subscription_id') }} as subscription_key,
    lines.subscription_id,
    lines.product_id,
    lines.product_name,
    lines.product_type,
    lines.service_period_start,
    lines.service_period_end,
    lines.is_priced,
    lines.price_source,
    as_of.as_of
from lines
left join {{ ref('invoices') }} as documents
    on documents.document_key = {{ account_key('lines', 'document_id') }}
left join {{ ref('customers') }} as customers
    on customers.customer_key = {{ account_key('lines', 'customer_id') }}
{{ join_as_of('lines.vendor') }}
