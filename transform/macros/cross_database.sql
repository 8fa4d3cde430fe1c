{#- Every piece of SQL that DuckDB and PostgreSQL write differently, one macro each, dispatched on
    the adapter: models never write dialect SQL themselves. -#}

{#- The text at `keys` (object keys, or integers for array positions) inside a JSON column, or null. -#}
{% macro json_text(column, keys) -%}
  {{ return(adapter.dispatch('json_text', 'commerce')(column, keys)) }}
{%- endmacro %}

{#- DuckDB's JSON path: '$.a.b', '$.a[0].b' for an integer key. -#}
{% macro duckdb__json_path(keys) -%}
  '$
  {%- for key in keys -%}
    {%- if key is number -%}[{{ key }}]{%- else -%}.{{ key }}{%- endif -%}
  {%- endfor -%}'
{%- endmacro %}

{% macro duckdb__json_text(column, keys) -%}
  json_extract_string({{ column }}, {{ duckdb__json_path(keys) }})
{%- endmacro %}

{% macro postgres__json_text(column, keys) -%}
  (({{ column }})::jsonb #>> '{ {{- keys | join(",") -}} }')
{%- endmacro %}

{#- The JSON value at `keys` (for a nested array or object). -#}
{% macro json_value(column, keys) -%}
  {{ return(adapter.dispatch('json_value', 'commerce')(column, keys)) }}
{%- endmacro %}

{% macro duckdb__json_value(column, keys) -%}
  json_extract({{ column }}, {{ duckdb__json_path(keys) }})
{%- endmacro %}

{% macro postgres__json_value(column, keys) -%}
  (({{ column }})::jsonb #> '{ {{- keys | join(",") -}} }')
{%- endmacro %}

{#- A FROM-clause item with one row per element of the JSON array `column`: `alias.value` (the
    element, JSON) and `alias.element_index` (0-based). Join it laterally: `from t, {{ ... }}`. -#}
{% macro json_array_elements(column, alias) -%}
  {{ return(adapter.dispatch('json_array_elements', 'commerce')(column, alias)) }}
{%- endmacro %}

{% macro duckdb__json_array_elements(column, alias) -%}
  lateral (
    select element.value, cast(element.key as integer) as element_index
    from json_each({{ column }}) as element
  ) as {{ alias }}
{%- endmacro %}

{% macro postgres__json_array_elements(column, alias) -%}
  lateral (
    select element.value, element.ordinality - 1 as element_index
    from jsonb_array_elements(({{ column }})::jsonb) with ordinality as element(value, ordinality)
  ) as {{ alias }}
{%- endmacro %}

{#- The first day of the month of a date or timestamp, as a DATE. -#}
{% macro month_start(expression) -%}
  {{ return(adapter.dispatch('month_start', 'commerce')(expression)) }}
{%- endmacro %}

{% macro duckdb__month_start(expression) -%}
  cast(date_trunc('month', {{ expression }}) as date)
{%- endmacro %}

{% macro postgres__month_start(expression) -%}
  cast(date_trunc('month', cast({{ expression }} as date)) as date)
{%- endmacro %}

{#- A date or timestamp's month as Adobe's price lists write it: 'YYYYMM'. -#}
{% macro yyyymm(expression) -%}
  {{ return(adapter.dispatch('yyyymm', 'commerce')(expression)) }}
{%- endmacro %}

{% macro duckdb__yyyymm(expression) -%}
  strftime({{ expression }}, '%Y%m')
{%- endmacro %}

{% macro postgres__yyyymm(expression) -%}
  to_char({{ expression }}, 'YYYYMM')
{%- endmacro %}

{#- The calendar day of an instant (TIMESTAMP WITH TIME ZONE) in UTC. -#}
{% macro utc_date(expression) -%}
  {{ return(adapter.dispatch('utc_date', 'commerce')(expression)) }}
{%- endmacro %}

{% macro duckdb__utc_date(expression) -%}
  cast(timezone('UTC', {{ expression }}) as date)
{%- endmacro %}

{% macro postgres__utc_date(expression) -%}
  cast(({{ expression }}) at time zone 'UTC' as date)
{%- endmacro %}

{#- Whole days from date `start` to date `finish` (negative when finish is earlier). -#}
{% macro days_between(start, finish) -%}
  {{ return(adapter.dispatch('days_between', 'commerce')(start, finish)) }}
{%- endmacro %}

{% macro duckdb__days_between(start, finish) -%}
  date_diff('day', {{ start }}, {{ finish }})
{%- endmacro %}

{% macro postgres__days_between(start, finish) -%}
  (cast({{ finish }} as date) - cast({{ start }} as date))
{%- endmacro %}

{#- A date `days` days after date `expression` (an integer expression, negative for before). -#}
{% macro add_days(expression, days) -%}
  {{ return(adapter.dispatch('add_days', 'commerce')(expression, days)) }}
{%- endmacro %}

{% macro duckdb__add_days(expression, days) -%}
  cast({{ expression }} + to_days(cast({{ days }} as integer)) as date)
{%- endmacro %}

{% macro postgres__add_days(expression, days) -%}
  cast(cast({{ expression }} as date) + cast({{ days }} as integer) as date)
{%- endmacro %}

{#- A date `months` months after `expression` (an integer expression), as a DATE. -#}
{% macro add_months(expression, months) -%}
  {{ return(adapter.dispatch('add_months', 'commerce')(expression, months)) }}
{%- endmacro %}

{% macro duckdb__add_months(expression, months) -%}
  cast({{ expression }} + to_months(cast({{ months }} as integer)) as date)
{%- endmacro %}

{% macro postgres__add_months(expression, months) -%}
  cast({{ expression }} + make_interval(months => cast({{ months }} as integer)) as date)
{%- endmacro %}

{#- Money divided by a positive whole number, rounded to the cent half away from zero, exactly.
    DuckDB divides decimals in floating point, so it divides scaled integers instead. -#}
{% macro money_divide(amount, divisor) -%}
  {{ return(adapter.dispatch('money_divide', 'commerce')(amount, divisor)) }}
{%- endmacro %}

{% macro duckdb__money_divide(amount, divisor) -%}
  cast(
    sign({{ amount }})
    * ((2 * cast(abs({{ amount }}) * 1000000000 as hugeint) + 10000000 * ({{ divisor }}))
       // (20000000 * ({{ divisor }})))
    * cast(0.01 as decimal(38, 9))
    as decimal(38, 9)
  )
{%- endmacro %}

{% macro postgres__money_divide(amount, divisor) -%}
  cast(round(({{ amount }}) / ({{ divisor }}), 2) as decimal(38, 9))
{%- endmacro %}

{#- 100 * part / whole as a DOUBLE, rounded to 2 decimals (a percentage for reading, not money). -#}
{% macro percent_rounded(part, whole) -%}
  {{ return(adapter.dispatch('percent_rounded', 'commerce')(part, whole)) }}
{%- endmacro %}

{% macro duckdb__percent_rounded(part, whole) -%}
  round(cast(100 * ({{ part }}) as double) / cast({{ whole }} as double), 2)
{%- endmacro %}

{#- PostgreSQL rounds numerics only. -#}
{% macro postgres__percent_rounded(part, whole) -%}
  cast(round(100 * ({{ part }}) / ({{ whole }}), 2) as double precision)
{%- endmacro %}

{#- The first day of a 'YYYYMM' month (Adobe's price list months), as a date. -#}
{% macro month_of_yyyymm(expression) -%}
    cast(
        substr({{ expression }}, 1, 4) || '-' || substr({{ expression }}, 5, 2) || '-01' as date
    )
{%- endmacro %}

{#- Whole months from the month of `start` to the month of `finish` (both first days). -#}
{% macro months_between(start, finish) -%}
    cast(
        (extract(year from {{ finish }}) - extract(year from {{ start }})) * 12
        + extract(month from {{ finish }}) - extract(month from {{ start }})
        as integer
    )
{%- endmacro %}
