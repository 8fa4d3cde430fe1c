{#- Fails with the rows of the model for which `expression` is not true (no dbt_utils: dbt Hub
    is unreachable). -#}
{% test expression_holds(model, expression) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
