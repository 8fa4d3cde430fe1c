{#- Adobe's status code `column` of an `entity` (customer, reseller, order, subscription) decoded:
    a join to the adobe_status_codes seed, aliased `alias`. -#}
{% macro adobe_status_join(column, entity, alias) -%}
  left join {{ ref('adobe_status_codes') }} as {{ alias }}
    on {{ alias }}.entity = '{{ entity }}' and {{ alias }}.status_code = {{ column }}
{%- endmacro %}

{#- The price list an Adobe offer is priced from: its id's level digits (characters 11-12, e.g.
    65304522CA`01`A12) name 3-year-commit levels 12-14; every other level is STANDARD. -#}
{% macro adobe_price_list_type(offer_id) -%}
  case when substr({{ offer_id }}, 11, 2) in ('12', '13', '14') then '3YC' else 'STANDARD' end
{%- endmacro %}

{#- The day an Adobe order's 12-month term starts. A RENEWAL renews the anniversary (the customer's
    coterm day) nearest its order date: an early renewal is placed up to 30 days before it and
    invoiced at once, a late one up to 14 days after; any other order's term starts when placed. -#}
{% macro adobe_term_start(order_type, order_date, coterm_date) -%}
  {%- set years = '12 * (extract(year from ' ~ order_date ~ ') - extract(year from ' ~ coterm_date ~ '))' -%}
  {%- set anniversary = add_months(coterm_date, years) -%}
  case
    when {{ order_type }} != 'RENEWAL' or {{ coterm_date }} is null then {{ order_date }}
    when {{ anniversary }} < {{ add_months(order_date, -6) }} then {{ add_months(anniversary, 12) }}
    when {{ anniversary }} > {{ add_months(order_date, 6) }} then {{ add_months(anniversary, -12) }}
    else {{ anniversary }}
  end
{%- endmacro %}
