{#- When the loaders last loaded each table, from the metadata they write on every row, and the day
    each vendor's figures are as of. Shared by the sources' freshness (`dbt source freshness`) and
    the models int_source_loads, int_vendor_loads and vendor_freshness, so that both say the same.

    A full-table stream (Zoom's accounts, Adobe's subscriptions...) is re-read whole every run
    under a new _sdc_table_version: the tap's start, in seconds since 1970. The loader retires the
    older version's rows only once the new version is complete, so a run that fails half-way
    leaves rows of both: the oldest live version is the last run that loaded the table in full.
    An incremental stream has no versions: its rows are complete up to its latest batch
    (_sdc_batched_at, when the loader committed it); a run that changed nothing may write none. -#}

{#- The instant a table version started (singer-sdk's versions are seconds; milliseconds, which
    other taps use, are read as such). -#}
{% macro version_started_at(version) -%}
  to_timestamp(
    case when {{ version }} > 100000000000 then {{ version }} / 1000.0 else {{ version }} end
  )
{%- endmacro %}

{#- The live rows' columns of one loaded table's last complete load: `full_load_at` (null for an
    incremental stream), `last_batch_at`, `live_rows`. -#}
{% macro table_load_columns() -%}
    {{ version_started_at('min(_sdc_table_version)') }} as full_load_at,
    max(_sdc_batched_at) as last_batch_at,
    count(*) as live_rows
{%- endmacro %}

{#- The sources' loaded_at_query: when `relation` was last loaded completely (see above); null,
    which dbt reads as never, for an empty table. -#}
{% macro table_loaded_at(relation) -%}
  select coalesce(full_load_at, last_batch_at)
  from (select {{ table_load_columns() }} from {{ relation }} where {{ not_deleted() }}) as loads
{%- endmacro %}

{#- The day pinned by var as_of_date or env COMMERCE_AS_OF_DATE (Meltano's as_of_date setting), a
    DATE, or null. The pin names the day of the latest load in the vendors' own clock: the
    sandbox's world runs weeks behind the machine's clock, so the demo and the tests pin its day;
    a replay pins the day it replays. -#}
{% macro as_of_pin() -%}
  {%- set day = var('as_of_date') or env_var('COMMERCE_AS_OF_DATE', '') -%}
  {%- if day -%} cast('{{ day }}' as date)
  {%- else -%} cast(null as date)
  {%- endif -%}
{%- endmacro %}

{#- The vendors' as-of days (int_vendor_loads): join it on the row's vendor and select
    `as_of.as_of`; `vendor` is the row's vendor column, or a quoted vendor name. -#}
{% macro join_as_of(vendor) -%}
  left join {{ ref('int_vendor_loads') }} as as_of on as_of.vendor = {{ vendor }}
{%- endmacro %}
