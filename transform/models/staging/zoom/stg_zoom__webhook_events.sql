{#- The Zoom webhooks commerce-webhooks received and the zoom-events job loaded. The table exists
    only once that job has run: until then this is an empty view of the same columns. -#}
{%- set events = adapter.get_relation(
    database=target.database, schema='zoom', identifier='webhook_events'
) -%}
{%- if events is not none %}
select
    tenant,
    event_id,
    sequence as event_sequence,
    event as event_type,
    event_ts as event_at,
    account_id,
    object_type,
    object_id,
    status,
    received_at
from {{ events }}
{%- else %}
select
    cast(null as varchar) as tenant,
    cast(null as varchar) as event_id,
    cast(null as bigint) as event_sequence,
    cast(null as varchar) as event_type,
    cast(null as timestamp with time zone) as event_at,
    cast(null as varchar) as account_id,
    cast(null as varchar) as object_type,
    cast(null as varchar) as object_id,
    cast(null as varchar) as status,
    cast(null as timestamp with time zone) as received_at
where false
{%- endif %}
