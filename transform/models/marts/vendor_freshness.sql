-- One row per vendor: the day its figures are as of, when its last complete load ran, and its
-- table loaded longest ago (what to look at when the vendor's freshness fails).
with stalest as (
    {{ first_per_group(
        '(select * from ' ~ ref('int_source_loads') ~ ' where live_rows > 0)',
        'vendor', 'loaded_at, table_name', rank_column='stalest_rank'
    ) }}
)

select
    vendors.vendor,
    vendors.as_of,
    vendors.last_complete_load_at,
    vendors.last_load_at,
    vendors.table_count,
    vendors.empty_table_count,
    stalest.table_name as stalest_table,
    stalest.loaded_at as stalest_table_loaded_at
from {{ ref('int_vendor_loads') }} as vendors
left join stalest on stalest.vendor = vendors.vendor
