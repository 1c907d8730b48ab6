{#- Exact months of an inclusive day interval [start, end]: in every calendar month it touches, the
    followed days divided by the days in that month, summed (0 when end < start). A whole month is 1, the
    1st-15th of April is 0.5, 1 January - 31 December of a year is 12 (leap years included). -#}
{% macro exact_months_between(start_date, end_date) -%}
    case
        when {{ end_date }} < {{ start_date }} then 0.0
        when {{ months_between(start_date, end_date) }} = 0
            then
                ({{ day_of_month(end_date) }} - {{ day_of_month(start_date) }} + 1)
                / {{ days_in_month(start_date) }}
        else
            ({{ days_in_month(start_date) }} - {{ day_of_month(start_date) }} + 1)
            / {{ days_in_month(start_date) }}
            + ({{ months_between(start_date, end_date) }} - 1)
            + {{ day_of_month(end_date) }} / {{ days_in_month(end_date) }}
    end
{%- endmacro %}

{% macro day_of_month(date_expression) -%}
    cast(extract(day from {{ date_expression }}) as double)
{%- endmacro %}

{% macro days_in_month(date_expression) -%}
    cast(extract(day from {{ dbt.last_day(date_expression, 'month') }}) as double)
{%- endmacro %}

{#- The year in which the settled groups' age is taken (the report: age in 2023). -#}
{% macro report_year() -%}
    {{ var('report_age_year') }}
{%- endmacro %}

{#- Whole days from start_date to end_date (end - start). DuckDB subtracts dates directly; other engines
    use dbt's cross-database datediff. -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{% macro duckdb__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}

{#- Calendar-month boundaries crossed from start_date to end_date (0 in the same month). -#}
{% macro months_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('months_between')(start_date, end_date)) }}
{%- endmacro %}

{#- Written out from year and month: dbt's datediff on Spark rounds Spark's fractional months_between,
    which counts 31 July - 30 September as 3 (both month ends), not the 2 boundaries crossed. -#}
{% macro default__months_between(start_date, end_date) -%}
    (
        (extract(year from {{ end_date }}) - extract(year from {{ start_date }})) * 12
        + extract(month from {{ end_date }}) - extract(month from {{ start_date }})
    )
{%- endmacro %}

{% macro duckdb__months_between(start_date, end_date) -%}
    date_diff('month', {{ start_date }}, {{ end_date }})
{%- endmacro %}
