{#- Fails with each combination of `columns` that more than one row of the model has (a
    multi-column unique key; dbt_utils' unique_combination_of_columns without dbt Hub). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
