{#- The settlement plan the planner reads, as text columns municipality_code, settlement_month, persons,
    group_key, sex, age_group (the last three null where the plan has no such column): the CSV file named by
    var settlement_plan, or seed settlement_plan_2025 when the var is empty. Reading a CSV file from SQL is
    the engine's own function, so it is dispatched: DuckDB reads it with read_csv (every column as text, a
    missing optional column filled by UNION ALL BY NAME); another engine adds its own implementation (e.g.
    spark__read_settlement_plan with Spark's csv reader). planner/validate.py checks the file first. -#}
{% macro read_settlement_plan() -%}
    {{ return(adapter.dispatch('read_settlement_plan')()) }}
{%- endmacro %}

{% macro default__read_settlement_plan() -%}
    {%- set plan = var('settlement_plan', '') -%}
    {%- if plan %}
    select
        cast(null as {{ dbt.type_string() }}) as municipality_code,
        cast(null as {{ dbt.type_string() }}) as settlement_month,
        cast(null as {{ dbt.type_string() }}) as persons,
        cast(null as {{ dbt.type_string() }}) as group_key,
        cast(null as {{ dbt.type_string() }}) as sex,
        cast(null as {{ dbt.type_string() }}) as age_group
    where false
    union all by name
    select * from read_csv('{{ plan }}', header = true, all_varchar = true)
    {%- else %}
    select
        municipality_code,
        settlement_month,
        cast(persons as {{ dbt.type_string() }}) as persons,
        cast(null as {{ dbt.type_string() }}) as group_key,
        cast(null as {{ dbt.type_string() }}) as sex,
        cast(null as {{ dbt.type_string() }}) as age_group
    from {{ ref('settlement_plan_2025') }}
    {%- endif %}
{%- endmacro %}
