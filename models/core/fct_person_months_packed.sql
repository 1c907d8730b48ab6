{{ config(
    pre_hook="{{ join_sides_as_written(true) }}",
    post_hook="{{ join_sides_as_written(false) }}"
) }}
{#- fct_person_months as stored: one row per person per calendar month of follow-up, denominator first
    (every followed month is a row; a month without contacts has zero counts). About
    120 million rows nationally, so the text columns are categorical() (DuckDB ENUMs of the seeds' values,
    models/staging/categories/), the person's attributes are joined per person-year before the months are spread
    out, and the per-month counts are aggregated per person-month before the one join at person-month
    level, packed four to a 64-bit word (macros/packed_counts.sql). Read it through the view
    fct_person_months, which unpacks the counts into one integer column per service. -#}
{%- set count_columns = report_service_count_columns() -%}
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

-- Person-years first (about 2 per person): the person's attributes and municipality are joined, and the
-- text columns made categorical, on ~11 million rows instead of on every person-month.
person_years as (
    select
        person_years_located.person_id,
        person_years_located.calendar_year,
        {{ categorical('person_years_located.municipality_code', ref('category_municipality_code')) }}
            as municipality_code,
        {{ categorical('persons.group_key', ref('category_group_key')) }} as group_key,
        {{ categorical('persons.sex', ref('category_sex')) }} as sex,
        {{ categorical('persons.age_group', ref('category_age_group')) }} as age_group,
        persons.settlement_date,
        persons.is_recent_refugee,
        persons.follow_up_start_date,
        persons.follow_up_end_date
    from person_years_located
    inner join persons
        on person_years_located.person_id = persons.person_id
),

spine as (
    select
        person_years.person_id,
        calendar_months.month_start_date,
        calendar_months.days_in_month,
        person_years.group_key,
        person_years.sex,
        person_years.age_group,
        person_years.municipality_code,
        person_years.settlement_date,
        person_years.is_recent_refugee,
        case
            when person_years.follow_up_start_date > calendar_months.month_start_date
                then person_years.follow_up_start_date
            else calendar_months.month_start_date
        end as first_followed_date,
        case
            when person_years.follow_up_end_date < calendar_months.month_end_date
                then person_years.follow_up_end_date
            else calendar_months.month_end_date
        end as last_followed_date
    from person_years
    inner join calendar_months
        on
            person_years.calendar_year = calendar_months.calendar_year
            and person_years.follow_up_end_date >= calendar_months.month_start_date
            and person_years.follow_up_start_date <= calendar_months.month_end_date
),

spine_days as (
    select
        *,
        {{ days_between('first_followed_date', 'last_followed_date') }} + 1 as person_days,
        {{ months_between('settlement_date', 'month_start_date') }} as months_after_settlement
    from spine
),

monthly_contacts as (
    select
        person_id,
        month_start_date,
        {%- set counts = [] %}
        {%- for service_key in report_services() %}
            {%- set condition = service_contacts_condition(service_key) %}
            {%- do counts.append(["count(case when " ~ condition ~ " then 1 end)", service_key ~ "_count"]) %}
        {%- endfor %}
        {{ packed_count_words(counts, row_label="'person ' || person_id || ', month ' || month_start_date") }}
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
            when spine.is_recent_refugee then cast(spine.months_after_settlement as integer)
        end as months_since_settlement,
        spine.municipality_code,
        cast(spine.person_days as integer) as person_days,
        cast(spine.person_days as double) / spine.days_in_month as person_months,
        {% for word in packed_count_names(count_columns) -%}
            coalesce(monthly_contacts.{{ word }}, 0) as {{ word }},
        {% endfor -%}
        spine.days_in_month
    from spine_days as spine
    left join monthly_contacts
        on
            spine.person_id = monthly_contacts.person_id
            and spine.month_start_date = monthly_contacts.month_start_date
)

select * from final
