{#- Garwood (1936) exact lower confidence bound for a Poisson count: qgamma(alpha / 2, events, 1),
    0 when there are no events. Calls the gamma_quantile UDF, so only tables may use it. -#}
{% macro poisson_ci_lower(events, alpha=none) -%}
    {%- set alpha = (var('ci_alpha', 0.05) if alpha is none else alpha) | float -%}
    {%- do require_table_for_udfs('poisson_ci_lower') -%}
    (case
        when {{ events }} = 0 then cast(0 as double)
        else gamma_quantile({{ alpha / 2 }}, cast({{ events }} as double), 1.0)
    end)
{%- endmacro %}
