-- Money is conserved from staging to billing_line_items: per vendor and currency, the lines add
-- up to what the staging models they came from hold, and (where every line has a header) to the
-- headers' totals in `invoices`. Fails with every vendor and currency where a sum differs.
with lines as (
    select vendor, currency, sum(total_amount) as amount
    from {{ ref('billing_line_items') }}
    group by vendor, currency
),

staged as (
    select 'zuora' as vendor, invoices.currency, sum(items.amount + items.tax_amount) as amount
    from {{ ref('stg_zuora__invoice_items') }} as items
    inner join {{ ref('stg_zuora__invoices') }} as invoices
        on invoices.tenant = items.tenant and invoices.invoice_id = items.invoice_id
    group by invoices.currency
    union all
    select 'zoom', currency, sum(amount)
    from (
        select currency, total_amount as amount from {{ ref('stg_zoom__invoice_items') }}
        union all
        select currency, -net_amount
        from {{ ref('stg_zoom__billing_documents') }}
        where document_type = 'credit_memo'
    ) as zoom_money
    group by currency
    union all
    select 'adobe', currency, sum(line_partner_amount)
    from {{ ref('int_adobe__order_lines_priced') }}
    group by currency
    union all
    select 'zoho', currency, sum(amount)
    from {{ ref('stg_zoho__transactions') }}
    group by currency
),

headers as (
    -- Zoho's transactions not yet invoiced have no header, so Zoho is left out here.
    select vendor, currency, sum(total_amount) as amount
    from {{ ref('invoices') }}
    where vendor != 'zoho'
    group by vendor, currency
)

select
    coalesce(lines.vendor, staged.vendor, headers.vendor) as vendor,
    coalesce(lines.currency, staged.currency, headers.currency) as currency,
    lines.amount as line_amount,
    staged.amount as staged_amount,
    headers.amount as header_amount
from lines
full outer join staged on staged.vendor = lines.vendor and staged.currency = lines.currency
full outer join headers
    on headers.vendor = coalesce(lines.vendor, staged.vendor)
    and headers.currency = coalesce(lines.currency, staged.currency)
where coalesce(lines.amount, 0) != coalesce(staged.amount, 0)
    or (
        coalesce(lines.vendor, staged.vendor, headers.vendor) != 'zoho'
        and coalesce(lines.amount, 0) != coalesce(headers.amount, 0)
    )
