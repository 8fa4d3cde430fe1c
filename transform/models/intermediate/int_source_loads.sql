{#- One row per table the loaders write (every source of this project): when it was last loaded in
    full (macros/loads.sql says how). The sources come from dbt's graph when the model runs, so a
    table added to a _<vendor>__sources.yml is counted without being listed here too; the price is
    that dbt's lineage does not draw them upstream of this model. -#}
{%- set tables = [] -%}
{%- if execute -%}
  {%- for node in graph.sources.values() if node.package_name == project_name -%}
    {%- do tables.append(node) -%}
  {%- endfor -%}
{%- endif -%}

{%- for node in tables | sort(attribute='unique_id') %}
select
    '{{ node.source_name }}' as vendor,
    '{{ node.name }}' as table_name,
    loads.*,
    coalesce(loads.full_load_at, loads.last_batch_at) as loaded_at
from (
    select {{ table_load_columns() }}
    from {{ source(node.source_name, node.name) }}
    where {{ not_deleted() }}
) as loads
{% if not loop.last %}union all{% endif %}
{%- else %}
{#- Parsing (or a project with no sources): the columns, no rows. -#}
select
    cast(null as varchar) as vendor,
    cast(null as varchar) as table_name,
    cast(null as timestamp with time zone) as full_load_at,
    cast(null as timestamp with time zone) as last_batch_at,
    cast(0 as bigint) as live_rows,
    cast(null as timestamp with time zone) as loaded_at
where false
{%- endfor %}
