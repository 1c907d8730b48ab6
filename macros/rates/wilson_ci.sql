{#- Wilson (1927) score interval for a proportion `successes` / `trials`, as a percentage: bound 'lower' or
    'upper'. With z = normal_quantile(alpha) and p = successes / trials:
    (p + z^2 / 2n -/+ z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n), x 100 (0 and 100 exactly at 0
    and n successes); null when trials = 0.
    Calls the gamma_quantile UDF (through normal_quantile), so only tables may use it. -#}
{% macro wilson_ci(successes, trials, bound, alpha=none) -%}
    {%- set sign = {'lower': '-', 'upper': '+'}[bound] -%}
    {%- set z = normal_quantile(alpha) -%}
    {%- set n = 'cast(' ~ trials ~ ' as double)' -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / nullif(' ~ n ~ ', 0))' -%}
    {#- At 0 (n) successes the lower (upper) bound is 0 (100) exactly; the formula gives it up to rounding. -#}
    case
        when {{ trials }} = 0 then null
        when {{ successes }} = {{ '0' if bound == 'lower' else trials }} then {{ '0.0' if bound == 'lower' else '100.0' }}
        else cast(100 as double) * (
            {{ p }} + ({{ z }} * {{ z }}) / (2 * {{ n }})
            {{ sign }} {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + ({{ z }} * {{ z }}) / (4 * {{ n }} * {{ n }}))
        ) / (1 + ({{ z }} * {{ z }}) / {{ n }})
    end
{%- endmacro %}
