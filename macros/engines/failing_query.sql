{#- An expression that stops the query with `message` (an SQL text expression) when it is evaluated:
    DuckDB's error(), Spark's raise_error(). Typed boolean so that it can sit in a where clause. -#}
{% macro query_error(message) -%}
    {{ return(adapter.dispatch('query_error')(message)) }}
{%- endmacro %}

{% macro duckdb__query_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro default__query_error(message) -%}
    (raise_error({{ message }}) is null)
{%- endmacro %}
