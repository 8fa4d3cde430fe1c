-- One row per vendor: when its last load completed, and the day its figures are as of.
--
-- last_complete_load_at: the start of the vendor's last run that loaded every full-table stream
-- in full (the oldest of those tables' live versions: a run that failed half-way left older rows
-- in some). A vendor with no full-table stream (Zuora) has only batches to go by: its latest.
-- Incremental tables do not bound it from below: a run that changed nothing may write none of
-- their rows (int_source_loads has each table's own time).
--
-- as_of: the UTC day of that load (the figures are the vendor's as it stood when the load ran),
-- not the day dbt ran: a vendor that failed last night stays as of the night before. The pin
-- (as_of_pin) says which day the latest load was in the vendors' clock; every vendor moves by the
-- same number of days.
with vendors as (
    select
        vendor,
        coalesce(min(full_load_at), max(last_batch_at)) as last_complete_load_at,
        max(last_batch_at) as last_load_at,
        count(*) as table_count,
        count(case when live_rows = 0 then 1 end) as empty_table_count
    from {{ ref('int_source_loads') }}
    group by vendor
),

days as (
    select vendors.*, {{ utc_date('last_complete_load_at') }} as load_day
    from vendors
)

select
    vendor,
    last_complete_load_at,
    last_load_at,
    table_count,
    empty_table_count,
    coalesce(
        {{ add_days('load_day', days_between('max(load_day) over ()', as_of_pin())) }}, load_day
    ) as as_of
from days
