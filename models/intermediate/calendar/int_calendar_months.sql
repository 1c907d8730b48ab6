{#- One row per calendar month of the inclusion period (vars inclusion_start_date .. inclusion_end_date),
    written out at compile time so that the spine needs no engine-specific series generator. -#}
{%- set first = modules.datetime.date.fromisoformat(var('inclusion_start_date')).replace(day=1) -%}
{%- set last = modules.datetime.date.fromisoformat(var('inclusion_end_date')) -%}
{%- set months = [] -%}
{%- set ns = namespace(month=first) -%}
{%- for _ in range(1200) if ns.month <= last -%}
    {%- do months.append(ns.month) -%}
    {%- set ns.month = (ns.month.replace(day=28) + modules.datetime.timedelta(days=4)).replace(day=1) -%}
{%- endfor -%}

with

months as (
    {% for month in months -%}
        select cast('{{ month.isoformat() }}' as date) as month_start_date
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        month_start_date,
        cast({{ dbt.last_day('month_start_date', 'month') }} as date) as month_end_date,
        cast(extract(day from {{ dbt.last_day('month_start_date', 'month') }}) as integer) as days_in_month,
        cast(extract(year from month_start_date) as integer) as calendar_year
    from months
)

select * from final
