{#- Fails with one row per combination of the given columns that occurs more than once (nulls compare
    equal, as in group by), so a composite grain can be tested like a single-column key.
    At national scale the models have ~100 M rows: the rows are first grouped by one 64-bit hash of the
    columns, and only rows whose hash repeats are grouped by the columns themselves (so a hash collision
    cannot fail the test). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns = combination_of_columns | join(', ') %}

with

model_rows as not materialized (
    select
        {{ columns }},
        hash({{ columns }}) as row_hash
    from {{ model }}
),

repeated_hashes as (
    select row_hash
    from model_rows
    group by row_hash
    having count(*) > 1
),

final as (
    select
        {% for column_name in combination_of_columns -%}
            model_rows.{{ column_name }},
        {% endfor -%}
        count(*) as row_count
    from model_rows
    inner join repeated_hashes
        on model_rows.row_hash = repeated_hashes.row_hash
    group by
        {% for column_name in combination_of_columns -%}
            model_rows.{{ column_name }}{{ "," if not loop.last }}
        {% endfor %}
    having count(*) > 1
)

select * from final

{% endtest %}
