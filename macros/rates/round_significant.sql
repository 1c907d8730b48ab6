{#- SQL expression: a double rounded to `digits` significant digits (default 12); 0, null and infinities
    unchanged. Rates and bounds are stored this way so that tables are reproducible run to run (parallel
    sums of doubles differ in the last bits) while keeping a relative precision of 1e-12 however small the
    rate: rounding to a fixed number of decimals would lose the relative precision of rare events. -#}
{% macro round_significant(expression, digits=12) -%}
    {{ return(adapter.dispatch('round_significant')(expression, digits)) }}
{%- endmacro %}

{#- Engines whose round() takes a constant number of decimals only (Spark): scaled by the exact power of
    ten (an integer power of ten is exact in a double up to 1e22), rounded to an integer and scaled back,
    multiplying or dividing by that power as DuckDB's round(x, n) does, so that 3.0 stays 3.0. -#}
{% macro default__round_significant(expression, digits=12) -%}
    {%- set decimals = (digits | int - 1) ~ ' - floor(log10(abs(cast(' ~ expression ~ ' as double))))' -%}
    (case
        when ({{ expression }}) is null or ({{ expression }}) = 0 or {{ is_infinite(expression) }}
            then cast({{ expression }} as double)
        when {{ decimals }} >= 0
            then round(cast({{ expression }} as double) * power(10, {{ decimals }}))
            / power(10, {{ decimals }})
        else round(cast({{ expression }} as double) / power(10, -({{ decimals }})))
            * power(10, -({{ decimals }}))
    end)
{%- endmacro %}

{% macro duckdb__round_significant(expression, digits=12) -%}
    (case
        when ({{ expression }}) is null or ({{ expression }}) = 0 or {{ is_infinite(expression) }}
            then cast({{ expression }} as double)
        else round(
            cast({{ expression }} as double),
            {{ digits | int - 1 }} - cast(floor(log10(abs(cast({{ expression }} as double)))) as integer)
        )
    end)
{%- endmacro %}
