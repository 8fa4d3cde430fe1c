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
