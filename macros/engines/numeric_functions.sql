{#- Numeric functions whose name differs between the engines. -#}

{#- Whether a double is +/- infinity. -#}
{% macro is_infinite(expression) -%}
    {{ return(adapter.dispatch('is_infinite')(expression)) }}
{%- endmacro %}

{% macro duckdb__is_infinite(expression) -%}
    isinf({{ expression }})
{%- endmacro %}

{% macro default__is_infinite(expression) -%}
    (abs({{ expression }}) = cast('Infinity' as double))
{%- endmacro %}

{#- The product of a double over a window (`over` names the window: `over curve_to_date`). DuckDB has a
    product aggregate; Spark multiplies the window's values in order with aggregate() over their list. -#}
{% macro window_product(expression, over) -%}
    {{ return(adapter.dispatch('window_product')(expression, over)) }}
{%- endmacro %}

{% macro duckdb__window_product(expression, over) -%}
    product({{ expression }}) over {{ over }}
{%- endmacro %}

{% macro default__window_product(expression, over) -%}
    aggregate(collect_list({{ expression }}) over {{ over }}, cast(1.0 as double), (acc, x) -> acc * x)
{%- endmacro %}
