{#- The municipality of residence per person and calendar year of the inclusion period (docs/study.md): the
    settlement municipality until the next 1 January, otherwise the municipality at 1 January of that
    year. A person without a residence row that year (born, or arrived, during it) takes the next year's,
    then the previous year's, then the settlement municipality.
    The residences are turned into one row per person with a column per year first, so each person-year
    finds this, next and previous year's municipality in one join instead of three joins to the residence
    rows. The years are the inclusion period's, one either side. -#}
{%- set first_year = modules.datetime.date.fromisoformat(var('inclusion_start_date')).year -%}
{%- set last_year = modules.datetime.date.fromisoformat(var('inclusion_end_date')).year -%}
with

persons_followed as (
    select * from {{ ref('int_persons_followed') }}
),

persons as (
    select * from persons_followed
    where is_in_study_population
),

residences as (
    select * from {{ ref('stg_ssb__residences') }}
),

calendar_months as (
    select * from {{ ref('int_calendar_months') }}
),

calendar_years as (
    select distinct calendar_year from calendar_months
),

person_years as (
    select
        persons.person_id,
        persons.settlement_date,
        persons.settlement_municipality_code,
        calendar_years.calendar_year
    from persons
    cross join calendar_years
),

-- (person_id, residence_year) is unique in stg_ssb__residences (tested), so each column holds one row's code.
residence_years as (
    select
        {% for year in range(first_year - 1, last_year + 2) -%}
            any_value(municipality_code) filter (where residence_year = {{ year }}) as municipality_{{ year }},
        {% endfor -%}
        person_id
    from residences
    where residence_year between {{ first_year - 1 }} and {{ last_year + 1 }}
    group by person_id
),

located as (
    select
        person_years.person_id,
        person_years.calendar_year,
        case
            when
                person_years.settlement_date
                >= cast(cast(person_years.calendar_year as string) || '-01-01' as date)
                and person_years.settlement_municipality_code is not null
                then person_years.settlement_municipality_code
            else
                coalesce(
                    case person_years.calendar_year
                        {%- for year in range(first_year, last_year + 1) %}
                            when {{ year }}
                                then coalesce(
                                    residence_years.municipality_{{ year }},
                                    residence_years.municipality_{{ year + 1 }},
                                    residence_years.municipality_{{ year - 1 }}
                                )
                        {%- endfor %}
                    end,
                    person_years.settlement_municipality_code
                )
        end as municipality_code
    from person_years
    left join residence_years
        on person_years.person_id = residence_years.person_id
),

final as (
    select * from located
)

select * from final
