{#- One row per person per calendar month of follow-up, denominator first: every followed month is a row,
    with zeros where the person had no contact. -#}
with

persons as (
    select * from {{ ref('dim_persons') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

person_years_located as (
    select * from {{ ref('int_person_years_located') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

spine as (
    select
        persons.person_id,
        calendar_months.month_start_date,
        calendar_months.calendar_year,
        calendar_months.days_in_month,
        persons.group_key,
        persons.sex,
        persons.age_group,
        persons.settlement_date,
        persons.is_recent_refugee,
        case
            when persons.follow_up_start_date > calendar_months.month_start_date
                then persons.follow_up_start_date
            else calendar_months.month_start_date
        end as first_followed_date,
        case
            when persons.follow_up_end_date < calendar_months.month_end_date
                then persons.follow_up_end_date
            else calendar_months.month_end_date
        end as last_followed_date
    from persons
    inner join calendar_months
        on
            calendar_months.month_start_date <= persons.follow_up_end_date
            and calendar_months.month_end_date >= persons.follow_up_start_date
),

monthly_contacts as (
    select
        person_id,
        month_start_date,
        {% for service_key in report_services() -%}
            {%- if service_key.endswith('_consultation') -%}
                {%- set contact_key = service_key.replace('_consultation', '_contact') -%}
                count(case when service_key = '{{ contact_key }}' and is_consultation then 1 end)
            {%- else -%}
                count(case when service_key = '{{ service_key }}' then 1 end)
            {%- endif %} as {{ service_key }}_count{{ "," if not loop.last }}
        {% endfor %}
    from contacts
    group by person_id, month_start_date
),

final as (
    select
        spine.person_id,
        spine.month_start_date,
        spine.group_key,
        spine.sex,
        spine.age_group,
        case
            when spine.is_recent_refugee
                then {{ dbt.datediff('spine.settlement_date', 'spine.month_start_date', 'month') }}
        end as months_since_settlement,
        person_years_located.municipality_code,
        {{ dbt.datediff('spine.first_followed_date', 'spine.last_followed_date', 'day') }} + 1
        as person_days,
        cast({{ dbt.datediff('spine.first_followed_date', 'spine.last_followed_date', 'day') }} + 1 as double)
        / spine.days_in_month as person_months,
        {% for service_key in report_services() -%}
            coalesce(monthly_contacts.{{ service_key }}_count, 0) as {{ service_key }}_count,
        {% endfor -%}
        spine.days_in_month
    from spine
    left join person_years_located
        on
            spine.person_id = person_years_located.person_id
            and spine.calendar_year = person_years_located.calendar_year
    left join monthly_contacts
        on
            spine.person_id = monthly_contacts.person_id
            and spine.month_start_date = monthly_contacts.month_start_date
)

select * from final
