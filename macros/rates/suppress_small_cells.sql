{#- Primary cell suppression: the value, or null when is_suppressed(basis) (basis 1..threshold, 0 when
    suppress_zero, or null). Pair it with `is_suppressed(basis) as is_suppressed` so a BI user can
    tell a hidden cell from a missing one. See the doc block `rates__primary_suppression`. -#}
{% macro suppress_small_cells(value, basis, threshold=none, suppress_zero=none) -%}
    (case when {{ is_suppressed(basis, threshold, suppress_zero) }} then null else {{ value }} end)
{%- endmacro %}
