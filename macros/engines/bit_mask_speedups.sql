{#- Whether the block bit-mask speedups (rows_without_parent, count_rows_with_parent) apply: they need
    unsigned 64-bit integers and pay off on one node (DuckDB). Elsewhere (Spark) the plain anti- and
    semi-joins run, which a distributed engine spreads over its workers; the answers are the same. -#}
{% macro bit_mask_speedups() -%}
    {{ return(adapter.dispatch('bit_mask_speedups')()) }}
{%- endmacro %}

{% macro default__bit_mask_speedups() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__bit_mask_speedups() -%}
    {{ return(true) }}
{%- endmacro %}
