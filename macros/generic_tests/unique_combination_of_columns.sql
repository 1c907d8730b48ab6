{#- Fails with one row per combination of the given columns that occurs more than once (nulls compare
    equal, as in group by), so a composite grain can be tested like a single-column key. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

model_rows as (
    select * from {{ model }}
),

final as (
    select
        {% for column_name in combination_of_columns -%}
            {{ column_name }},
        {% endfor -%}
        count(*) as row_count
    from model_rows
    group by
        {% for column_name in combination_of_columns -%}
            {{ column_name }}{{ "," if not loop.last }}
        {% endfor %}
    having count(*) > 1
)

select * from final

{% endtest %}
