{#- Lists written into SQL from vars, the same on every engine. -#}

{#- Whether `expression` is one of `values` (a var's list): `expression in ('a', 'b')`. -#}
{% macro is_one_of(expression, values) -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ expression }} in ({{ literals | join(', ') }})
{%- endmacro %}

{#- Wide to long in a select list: one output row per name, `name_alias` the name and `value_alias` the
    value of its column (`names` and `value_expressions` in the same order). Other columns of the select
    repeat on each row. DuckDB unnests two lists side by side; Spark generates the rows with stack(). -#}
{% macro unpivoted(names, value_expressions, name_alias, value_alias) -%}
    {{ return(adapter.dispatch('unpivoted')(names, value_expressions, name_alias, value_alias)) }}
{%- endmacro %}

{% macro duckdb__unpivoted(names, value_expressions, name_alias, value_alias) -%}
    unnest({{ names | list }}) as {{ name_alias }},
    unnest([{{ value_expressions | join(', ') }}]) as {{ value_alias }}
{%- endmacro %}

{% macro default__unpivoted(names, value_expressions, name_alias, value_alias) -%}
    stack(
        {{ names | length }},
        {%- for name in names %}
        '{{ name }}', {{ value_expressions[loop.index0] }}{{ "," if not loop.last }}
        {%- endfor %}
    ) as ({{ name_alias }}, {{ value_alias }})
{%- endmacro %}

{#- One row per integer from 0 to `last` (inclusive), as `alias`, beside the other columns. -#}
{% macro each_integer_up_to(last, alias) -%}
    {{ return(adapter.dispatch('each_integer_up_to')(last, alias)) }}
{%- endmacro %}

{% macro duckdb__each_integer_up_to(last, alias) -%}
    unnest(generate_series(0, {{ last }})) as {{ alias }}
{%- endmacro %}

{% macro default__each_integer_up_to(last, alias) -%}
    explode(sequence(0, {{ last }})) as {{ alias }}
{%- endmacro %}

{#- Every column of the rows selected from except `columns`: DuckDB's `* exclude (...)`, Spark's
    `* except (...)`. -#}
{% macro star_except(columns) -%}
    {{ return(adapter.dispatch('star_except')(columns)) }}
{%- endmacro %}

{% macro duckdb__star_except(columns) -%}
    * exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro default__star_except(columns) -%}
    * except ({{ columns | join(', ') }})
{%- endmacro %}
