{#- The municipality of residence per person and calendar year of the inclusion period (SPEC.md): the
    settlement municipality until the next 1 January, otherwise the municipality at 1 January of that
    year. A person without a residence row that year (born, or arrived, during it) takes the next year's,
    then the previous year's, then the settlement municipality. -#}
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

located as (
    select
        person_years.person_id,
        person_years.calendar_year,
        case
            when
                person_years.settlement_date
                >= cast(cast(person_years.calendar_year as varchar) || '-01-01' as date)
                and person_years.settlement_municipality_code is not null
                then person_years.settlement_municipality_code
            else
                coalesce(
                    this_year.municipality_code,
                    next_year.municipality_code,
                    previous_year.municipality_code,
                    person_years.settlement_municipality_code
                )
        end as municipality_code
    from person_years
    left join residences as this_year
        on
            person_years.person_id = this_year.person_id
            and person_years.calendar_year = this_year.residence_year
    left join residences as next_year
        on
            person_years.person_id = next_year.person_id
            and person_years.calendar_year + 1 = next_year.residence_year
    left join residences as previous_year
        on
            person_years.person_id = previous_year.person_id
            and person_years.calendar_year - 1 = previous_year.residence_year
),

final as (
    select * from located
)

select * from final
