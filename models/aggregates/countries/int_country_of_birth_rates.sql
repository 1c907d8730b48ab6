{#- Tables 2 and 3 by country of birth before disclosure control: per refugee group x published country
    (country_key; 'other' = the pooled small countries) x service, the rates of subgroup_rates
    (macros/subgroups/subgroup_rates.sql: persons, contacts, mean follow-up, the follow-up-adjusted annual
    rate with its Garwood CI, the age-sex standardised rate with the Fay & Feuer CI), with the country's
    names and its order of size within the group. Doc block countries__country_of_birth_rates. A table:
    gamma_quantile is a Python UDF. -#}
{{ config(materialized='table') }}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

country_persons as (
    select * from {{ ref('int_country_of_birth_persons') }}
),

countries as (
    select * from {{ ref('countries') }}
),

person_countries as (
    select
        persons.person_id,
        persons.group_key,
        country_persons.country_key
    from persons
    inner join country_persons
        on
            persons.group_key = country_persons.group_key
            and coalesce(persons.country_of_birth_code, 'unknown') = country_persons.country_of_birth_code
),

rates as (
    {{ subgroup_rates(ref('int_country_of_birth_rate_strata'), 'person_countries', 'country_key') | indent(4) }}
),

pooled_countries as (
    select
        group_key,
        country_key,
        count(*) as countries
    from country_persons
    group by group_key, country_key
),

group_persons as (
    select distinct
        group_key,
        country_key,
        persons
    from rates
),

-- Order of size within the group: 1 = the most persons; the pooled row comes last.
ranked as (
    select
        group_persons.group_key,
        group_persons.country_key,
        pooled_countries.countries,
        case
            when group_persons.country_key <> 'other'
                then row_number() over (
                    partition by group_persons.group_key, group_persons.country_key = 'other'
                    order by group_persons.persons desc, group_persons.country_key asc
                )
        end as country_rank
    from group_persons
    inner join pooled_countries
        on
            group_persons.group_key = pooled_countries.group_key
            and group_persons.country_key = pooled_countries.country_key
),

final as (
    select
        rates.group_key,
        rates.country_key,
        rates.country_key = 'other' as is_other_countries,
        coalesce(countries.country_name_en, 'Other countries') as country_name_en,
        coalesce(countries.country_name_no, 'Andre land') as country_name_no,
        coalesce(ranked.country_rank, 1000) as country_sort_order,
        ranked.countries,
        rates.service_key,
        rates.service_family,
        rates.per_unit,
        rates.sort_order,
        rates.persons,
        rates.persons_followed,
        rates.events,
        rates.person_months,
        rates.mean_follow_up_months,
        rates.contacts_per_person,
        rates.contacts_per_1000_persons,
        rates.crude_rate_annual,
        rates.crude_rate_ci_lower_annual,
        rates.crude_rate_ci_upper_annual,
        rates.dsr_annual,
        rates.dsr_ci_lower_annual,
        rates.dsr_ci_upper_annual,
        rates.is_fully_standardised
    from rates
    inner join ranked
        on
            rates.group_key = ranked.group_key
            and rates.country_key = ranked.country_key
    left join countries
        on rates.country_key = countries.country_code
)

select * from final
