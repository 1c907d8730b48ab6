{#- Exact months of an inclusive day interval [start, end]: in every calendar month it touches, the
    followed days divided by the days in that month, summed (0 when end < start). A whole month is 1, the
    1st-15th of April is 0.5, 1 January - 31 December of a year is 12 (leap years included). -#}
{% macro exact_months_between(start_date, end_date) -%}
    case
        when {{ end_date }} < {{ start_date }} then 0.0
        when {{ dbt.datediff(start_date, end_date, 'month') }} = 0
            then
                ({{ day_of_month(end_date) }} - {{ day_of_month(start_date) }} + 1)
                / {{ days_in_month(start_date) }}
        else
            ({{ days_in_month(start_date) }} - {{ day_of_month(start_date) }} + 1)
            / {{ days_in_month(start_date) }}
            + ({{ dbt.datediff(start_date, end_date, 'month') }} - 1)
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
