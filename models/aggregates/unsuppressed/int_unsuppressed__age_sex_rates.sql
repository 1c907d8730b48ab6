{#- Per group x service x sex x age group: persons, contacts, person-months and the follow-up-adjusted
    annual rate with its Garwood CI (Figures 4-6). A table: gamma_quantile is a Python UDF. -#}
{{ config(materialized='table') }}

with

strata as (
    select * from {{ ref('int_annual_rate_strata') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

stratum_persons as (
    select
        group_key,
        sex,
        age_group,
        count(*) as persons,
        count(*) filter (where follow_up_months > 0) as persons_followed
    from persons
    group by group_key, sex, age_group
),

strata_with_persons as (
    select
        strata.group_key,
        strata.service_key,
        strata.sex,
        strata.age_group,
        strata.events,
        strata.person_months,
        coalesce(stratum_persons.persons, 0) as persons,
        coalesce(stratum_persons.persons_followed, 0) as persons_followed
    from strata
    left join stratum_persons
        on
            strata.group_key = stratum_persons.group_key
            and strata.sex = stratum_persons.sex
            and strata.age_group = stratum_persons.age_group
),

final as (
    select
        group_key,
        service_key,
        sex,
        age_group,
        persons,
        persons_followed,
        events,
        round(person_months, 10) as person_months,
        {{ round_significant(annualised_rate('events', 'person_months')) }} as rate_annual,
        {{ round_significant(annualised_rate(poisson_ci_lower('events'), 'person_months')) }}
            as rate_ci_lower_annual,
        {{ round_significant(annualised_rate(poisson_ci_upper('events'), 'person_months')) }}
            as rate_ci_upper_annual
    from strata_with_persons
)

select * from final
