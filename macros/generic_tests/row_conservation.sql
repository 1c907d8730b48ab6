{#- A model that classifies or unions rows must keep every input row: its row count must equal the
    sum of the row counts of `compare_models` (a list of refs). Fails with one row giving both counts. -#}
{% test row_conservation(model, compare_models) %}

with

model_rows as (
    select count(*) as row_count
    from {{ model }}
),

compare_rows as (
    {% for compare_model in compare_models -%}
        select count(*) as row_count from {{ compare_model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        model_rows.row_count as model_row_count,
        (select sum(compare_rows.row_count) from compare_rows) as compare_row_count
    from model_rows
)

select * from final
where model_row_count <> compare_row_count

{% endtest %}
