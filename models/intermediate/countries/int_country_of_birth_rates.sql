{#- Tables 2 and 3 by country of birth before disclosure control: per refugee group x published country
    (country_key; 'other' = the pooled small countries) x service, persons, contacts, contacts per person,
    mean follow-up, the follow-up-adjusted annual rate with its Garwood CI and the age-sex standardised rate
    with the Fay & Feuer CI, standardised to the same reference population as Table 3 (var
    standard_population_group). Doc block countries__country_of_birth_rates. A table: gamma_quantile is a
    Python UDF. -#}
{{ config(materialized='table') }}

with

strata as (
    select * from {{ ref('int_country_of_birth_rate_strata') }}
),

group_strata as (
    select * from {{ ref('int_annual_rate_strata') }}
),

country_persons as (
    select * from {{ ref('int_country_of_birth_persons') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

countries as (
    select * from {{ ref('countries') }}
),

services as (
    select * from {{ ref('services') }}
),

reference_strata as (
    select
        service_key,
        sex,
        age_group,
        person_months as reference_person_months
    from group_strata
    where group_key = '{{ var("standard_population_group") }}'
),

strata_with_reference as (
    select
        strata.group_key,
        strata.country_key,
        strata.service_key,
        strata.sex,
        strata.age_group,
        strata.events,
        strata.person_months,
        coalesce(reference_strata.reference_person_months, 0) as reference_person_months
    from strata
    left join reference_strata
        on
            strata.service_key = reference_strata.service_key
            and strata.sex = reference_strata.sex
            and strata.age_group = reference_strata.age_group
),

standardised as (
    {{ direct_standardised_rate('strata_with_reference', group_by=['group_key', 'country_key', 'service_key']) }}
),

person_follow_up as (
    select
        country_persons.group_key,
        country_persons.country_key,
        count(*) as persons,
        count(*) filter (where persons.follow_up_months > 0) as persons_followed,
        sum(persons.follow_up_months) as follow_up_months
    from persons
    inner join country_persons
        on
            persons.group_key = country_persons.group_key
            and coalesce(persons.country_of_birth_code, 'unknown') = country_persons.country_of_birth_code
    group by country_persons.group_key, country_persons.country_key
),

pooled_countries as (
    select
        group_key,
        country_key,
        count(*) as countries
    from country_persons
    group by group_key, country_key
),

-- Order of size within the group: 1 = the most persons; the pooled row comes last.
ranked as (
    select
        person_follow_up.*,
        pooled_countries.countries,
        case
            when person_follow_up.country_key <> 'other'
                then row_number() over (
                    partition by person_follow_up.group_key, person_follow_up.country_key = 'other'
                    order by person_follow_up.persons desc, person_follow_up.country_key asc
                )
        end as country_rank
    from person_follow_up
    inner join pooled_countries
        on
            person_follow_up.group_key = pooled_countries.group_key
            and person_follow_up.country_key = pooled_countries.country_key
),

final as (
    select
        standardised.group_key,
        standardised.country_key,
        standardised.country_key = 'other' as is_other_countries,
        coalesce(countries.country_name_en, 'Other countries') as country_name_en,
        coalesce(countries.country_name_no, 'Andre land') as country_name_no,
        coalesce(ranked.country_rank, 1000) as country_sort_order,
        ranked.countries,
        standardised.service_key,
        services.service_family,
        services.per_unit,
        services.sort_order,
        ranked.persons,
        ranked.persons_followed,
        standardised.events,
        round(standardised.person_months, 10) as person_months,
        {{ round_significant('ranked.follow_up_months / ranked.persons') }} as mean_follow_up_months,
        {{ round_significant('cast(standardised.events as double) / ranked.persons') }} as contacts_per_person,
        {{ round_significant('1000.0 * standardised.events / ranked.persons') }} as contacts_per_1000_persons,
        {{ round_significant(annualised_rate('standardised.events', 'standardised.person_months')) }}
            as crude_rate_annual,
        {{ round_significant(annualised_rate(poisson_ci_lower('standardised.events'), 'standardised.person_months')) }}
            as crude_rate_ci_lower_annual,
        {{ round_significant(annualised_rate(poisson_ci_upper('standardised.events'), 'standardised.person_months')) }}
            as crude_rate_ci_upper_annual,
        {{ round_significant('standardised.dsr_annual') }} as dsr_annual,
        {{ round_significant('standardised.dsr_ci_lower_annual') }} as dsr_ci_lower_annual,
        {{ round_significant('standardised.dsr_ci_upper_annual') }} as dsr_ci_upper_annual,
        standardised.is_fully_standardised
    from standardised
    inner join ranked
        on
            standardised.group_key = ranked.group_key
            and standardised.country_key = ranked.country_key
    left join countries
        on standardised.country_key = countries.country_code
    left join services
        on standardised.service_key = services.service_key
)

select * from final
