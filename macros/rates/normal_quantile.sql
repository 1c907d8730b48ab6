{#- The standard normal quantile z(1 - alpha / 2) (1.959964 for alpha 0.05), exactly, from the gamma_quantile
    UDF: z^2 is the (1 - alpha) quantile of chi-square with 1 degree of freedom, which is gamma(shape 1/2,
    scale 2). Calls the gamma_quantile UDF, so only tables may use it. -#}
{% macro normal_quantile(alpha=none) -%}
    {%- set alpha = (var('ci_alpha', 0.05) if alpha is none else alpha) | float -%}
    {%- do require_table_for_udfs('normal_quantile') -%}
    sqrt(gamma_quantile({{ 1 - alpha }}, 0.5, 2.0))
{%- endmacro %}
