-- One row per billing document across vendors. Amounts are in the document's currency (no
-- conversion: there is no rate source). Credit memos are negative documents: Zoom sends them
-- with positive amounts; here total and balance are negated so that sums net them off invoices.
with documents as (
    select
        'zuora' as vendor,
        invoices.tenant,
        invoices.invoice_id as document_id,
        invoices.invoice_number as document_number,
        'invoice' as document_type,
        invoices.document_date,
        invoices.due_date,
        case
            when invoices.invoice_state = 'draft' then 'draft'
            when invoices.invoice_state in ('canceled', 'cancelled') then 'cancelled'
            when invoices.invoice_state = 'posted' and invoices.balance_amount = 0 then 'paid'
            when invoices.invoice_state = 'posted' then 'open'
            else invoices.invoice_state
        end as status,
        invoices.currency,
        invoices.account_id as customer_id,
        accounts.account_name as customer_name,
        invoices.subtotal_amount,
        invoices.tax_amount,
        invoices.total_amount,
        invoices.balance_amount,
        cast(null as integer) as unpriced_line_count
    from {{ ref('stg_zuora__invoices') }} as invoices
    left join {{ ref('stg_zuora__accounts') }} as accounts
        on accounts.tenant = invoices.tenant and accounts.account_id = invoices.account_id

    union all

    select
        'zoom',
        documents.tenant,
        documents.document_number,
        documents.document_number,
        documents.document_type,
        documents.document_date,
        documents.due_date,
        case documents.payment_status
            when 'Paid' then 'paid' when 'Unpaid' then 'open' else lower(documents.payment_status)
        end,
        documents.currency,
        accounts.account_id,
        coalesce(accounts.account_name, documents.customer_name),
        sign.factor * (documents.net_amount - coalesce(invoices.tax_amount, 0)),
        sign.factor * invoices.tax_amount,
        sign.factor * documents.net_amount,
        sign.factor * documents.balance_amount,
        cast(null as integer)
    from {{ ref('stg_zoom__billing_documents') }} as documents
    cross join lateral (
        select case when documents.document_type = 'credit_memo' then -1 else 1 end as factor
    ) as sign
    left join {{ ref('stg_zoom__invoices') }} as invoices
        on invoices.tenant = documents.tenant
        and invoices.invoice_number = documents.document_number
    left join {{ ref('stg_zoom__accounts') }} as accounts
        on accounts.tenant = documents.tenant
        and accounts.zoom_account_number = documents.customer_zoom_account_number

    union all

    -- Adobe gives no invoices: an order is the document Adobe bills the partner for, its total
    -- the sum of its priced lines (unpriced_line_count says how many lines have no price); the
    -- API says nothing of payment, so balance is unknown (null).
    select
        'adobe',
        orders.tenant,
        orders.order_id,
        orders.external_reference_id,
        'order',
        orders.order_date,
        cast(null as date),
        case
            when orders.status_code = '1000' then 'billed'
            when orders.status_code = '1002' then 'pending'
            when orders.status_code = '1008' then 'cancelled'
            else 'failed'
        end,
        orders.currency,
        orders.customer_id,
        partitions.company_name,
        lines.total_amount,
        cast(null as decimal(38, 9)),
        lines.total_amount,
        cast(null as decimal(38, 9)),
        lines.unpriced_line_count
    from {{ ref('stg_adobe__orders') }} as orders
    left join (
        select
            tenant,
            order_id,
            sum(line_partner_amount) as total_amount,
            sum(case when is_priced then 0 else 1 end) as unpriced_line_count
        from {{ ref('int_adobe__order_lines_priced') }}
        group by tenant, order_id
    ) as lines on lines.tenant = orders.tenant and lines.order_id = orders.order_id
    left join {{ ref('int_adobe__customer_partitions') }} as partitions
        on partitions.tenant = orders.tenant and partitions.customer_id = orders.customer_id

    union all

    -- Zoho invoices each transaction on its own (a day or two after it); the API tells the
    -- amount invoiced but nothing of payment, so balance is unknown (null).
    select
        'zoho',
        tenant,
        invoice_number,
        invoice_number,
        'invoice',
        transaction_date,
        cast(null as date),
        'billed',
        currency,
        customer_id,
        customer_name,
        invoice_amount,
        cast(null as decimal(38, 9)),
        invoice_amount,
        cast(null as decimal(38, 9)),
        cast(null as integer)
    from {{ ref('stg_zoho__transactions') }}
    where is_invoiced
)

select
    {{ account_key('documents', 'document_id') }} as document_key,
    documents.vendor,
    documents.tenant,
    documents.document_id,
    documents.document_number,
    documents.document_type,
    documents.document_date,
    {{ month_start('documents.document_date') }} as document_month,
    documents.due_date,
    documents.status,
    documents.currency,
    {{ account_key('documents', 'customer_id') }} as customer_key,
    documents.customer_id,
    documents.customer_name,
    documents.subtotal_amount,
    documents.tax_amount,
    documents.total_amount,
    documents.balance_amount,
    case
        when documents.status = 'open' then documents.balance_amount
        when documents.balance_amount is not null then {{ money(0) }}
    end as open_balance_amount,
    case
        when documents.status = 'paid' then true
        when documents.status in ('open', 'draft') then false
    end as is_paid,
    case
        when documents.status = 'open'
            then {{ days_between('documents.due_date', 'as_of.as_of') }}
    end as days_past_due,
    case
        when documents.status != 'open' then null
        when {{ days_between('documents.due_date', 'as_of.as_of') }} <= 0 then 'not due'
        when {{ days_between('documents.due_date', 'as_of.as_of') }} <= 30 then '1-30'
        when {{ days_between('documents.due_date', 'as_of.as_of') }} <= 60 then '31-60'
        when {{ days_between('documents.due_date', 'as_of.as_of') }} <= 90 then '61-90'
        else 'over 90'
    end as age_bucket,
    documents.unpriced_line_count,
    as_of.as_of
from documents
{{ join_as_of('documents.vendor') }}
