{#- Pre- and post-hook of a model whose largest join DuckDB would otherwise build on the wrong side.
    DuckDB builds a hash join's table on the side it estimates smaller (optimizer build_side_probe_side),
    and its estimate of a range join such as the person-month spine's (person-years x calendar months,
    ~120 M rows at national scale) can be under a million. It then builds the hash table on the 120 M
    spine rows instead of on the ~40 M per-month contact counts. With the optimizer off, DuckDB builds on
    the right-hand side of each join as written, so such a model writes its joins with the smaller side on
    the right (a left join's joined table). Measured at scale 1: fct_person_months 60 s -> 55 s (same
    rows). Use it only where a measurement shows the written order is better: elsewhere DuckDB's choice is.
    The setting is global to the DuckDB database, so the post-hook (enabled=false) restores it; other
    engines get no statement. -#}
{% macro join_sides_as_written(enabled) -%}
    {{ return(adapter.dispatch('join_sides_as_written')(enabled)) }}
{%- endmacro %}

{% macro default__join_sides_as_written(enabled) -%}
{%- endmacro %}

{% macro duckdb__join_sides_as_written(enabled) -%}
    {%- if enabled -%}
        set disabled_optimizers = 'build_side_probe_side'
    {%- else -%}
        reset disabled_optimizers
    {%- endif -%}
{%- endmacro %}
