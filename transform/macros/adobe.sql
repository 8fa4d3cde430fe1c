{#- Adobe's status code `column` of an `entity` (customer, reseller, order, subscription) decoded:
    a join to the adobe_status_codes seed, aliased `alias`. -#}
{% macro adobe_status_join(column, entity, alias) -%}
  left join {{ ref('adobe_status_codes') }} as {{ alias }}
    on {{ alias }}.entity = '{{ entity }}' and {{ alias }}.status_code = {{ column }}
{%- endmacro %}
