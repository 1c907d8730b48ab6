{#- Garwood (1936) exact upper confidence bound for a Poisson count: qgamma(1 - alpha / 2, events + 1, 1).
    Calls the gamma_quantile UDF, so only tables may use it. -#}
{% macro poisson_ci_upper(events, alpha=none) -%}
    {%- set alpha = (var('ci_alpha', 0.05) if alpha is none else alpha) | float -%}
    {%- do require_table_for_udfs('poisson_ci_upper') -%}
    gamma_quantile({{ 1 - alpha / 2 }}, cast({{ events }} as double) + 1, 1.0)
{%- endmacro %}
