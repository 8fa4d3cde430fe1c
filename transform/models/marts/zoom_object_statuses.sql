{#- The status each Zoom order, quote, deal registration and account has now, by its latest
    webhook: fresher than the nightly poll between two nights (as_of is the poll's day; event_at
    says how much fresher). -#}
select
    tenant || ':' || object_type || ':' || object_id as object_key,
    tenant,
    object_type,
    object_id,
    status,
    event_type,
    event_at,
    account_id,
    received_at,
    as_of.as_of
from ({{ first_per_group(ref('stg_zoom__webhook_events'), 'tenant, object_type, object_id',
                         'event_at desc, event_sequence desc') }}) as latest
{{ join_as_of("'zoom'") }}
