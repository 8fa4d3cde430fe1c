{#- Helpers the models share (the same SQL on every adapter). -#}

{#- Money as the warehouse stores it: exact DECIMAL(38,9). -#}
{% macro money(expression) -%}
  cast({{ expression }} as decimal(38, 9))
{%- endmacro %}

{#- Zoom's money objects {amount, currency}: the amount, exact. -#}
{% macro money_amount(column) -%}
  {{ money(json_text(column, ['amount'])) }}
{%- endmacro %}

{#- A key unique across vendors and their accounts: 'vendor:tenant:id' (null when the id is
    null), from the `vendor` and `tenant` columns of `alias` and its column `column`: ids are
    unique within one account of one vendor only. -#}
{% macro account_key(alias, column) -%}
  {{ alias }}.vendor || ':' || {{ alias }}.tenant || ':' || {{ alias }}.{{ column }}
{%- endmacro %}

{#- Rows the source deleted are not part of any model (the loader hard-deletes by default; with
    hard_delete off it marks them in _sdc_deleted_at). -#}
{% macro not_deleted() -%}
  _sdc_deleted_at is null
{%- endmacro %}

{#- Each staging model's source, without the rows deleted at the source. -#}
{% macro live_source(vendor, stream) -%}
  (select * from {{ source(vendor, stream) }} where {{ not_deleted() }})
{%- endmacro %}

{#- The first row of each group of `relation` (a ref or a parenthesised query): the rows ranked
    by `order_by` within `partition_by`; the rank (always 1) stays as column `rank_column`. -#}
{% macro first_per_group(relation, partition_by, order_by, rank_column='group_rank') -%}
select *
from (
    select
        grouped.*,
        row_number() over (partition by {{ partition_by }} order by {{ order_by }})
            as {{ rank_column }}
    from {{ relation }} as grouped
) as ranked
where {{ rank_column }} = 1
{%- endmacro %}
