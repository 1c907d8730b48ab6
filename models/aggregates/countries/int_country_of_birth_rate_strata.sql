{#- One row per refugee group x published country (country_key: a country code, or 'other' for the pooled
    small countries) x service x sex x age group: events and person-months, as int_annual_rate_strata is
    per group (macros/subgroups/subgroup_rate_strata.sql). -#}
with

persons as (
    select * from {{ ref('dim_persons') }}
),

country_persons as (
    select * from {{ ref('int_country_of_birth_persons') }}
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

strata as (
    {{ subgroup_rate_strata('person_countries', 'country_key', var('country_of_birth_groups')) | indent(4) }}
)

select * from strata
