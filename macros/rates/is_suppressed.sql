{#- True when a cell must be hidden from BI users under the primary suppression rule: its basis (the
    number of persons or contacts the value rests on) is 1..threshold, or 0 when suppress_zero, or
    unknown (null: fail closed). See the doc block `rates__primary_suppression`. -#}
{% macro is_suppressed(basis, threshold=none, suppress_zero=none) -%}
    {%- set threshold = var('suppression_threshold', 5) if threshold is none else threshold -%}
    {%- set suppress_zero = var('suppress_zero', true) if suppress_zero is none else suppress_zero -%}
    {%- set lowest_suppressed = 0 if (suppress_zero | string | lower) in ['true', '1', 'yes'] else 1 -%}
    coalesce({{ basis }} between {{ lowest_suppressed }} and {{ threshold | int }}, true)
{%- endmacro %}
