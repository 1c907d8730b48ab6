{#- Tables 2 and 3 for a split of the refugee groups (country of birth, immigration reason), before
    disclosure control: per group x subgroup x service, persons, persons followed, contacts, person-months,
    mean follow-up, contacts per person and per 1,000 persons, the follow-up-adjusted annual rate with its
    Garwood CI and the age-sex standardised rate with the Fay & Feuer CI, standardised to the same reference
    population as Table 3 (var standard_population_group, from int_annual_rate_strata).

    `strata`: the output of subgroup_rate_strata; `person_subgroups`: its persons (person_id, group_key,
    `subgroup_column`). Calls the gamma_quantile UDF: tables only. -#}
{% macro subgroup_rates(strata, person_subgroups, subgroup_column) -%}
with

subgroup_strata as (
    select * from {{ strata }}
),

subgroup_persons as (
    select * from {{ person_subgroups }}
),

group_strata as (
    select * from {{ ref('int_annual_rate_strata') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
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
        subgroup_strata.group_key,
        subgroup_strata.{{ subgroup_column }},
        subgroup_strata.service_key,
        subgroup_strata.sex,
        subgroup_strata.age_group,
        subgroup_strata.events,
        subgroup_strata.person_months,
        coalesce(reference_strata.reference_person_months, 0) as reference_person_months
    from subgroup_strata
    left join reference_strata
        on
            subgroup_strata.service_key = reference_strata.service_key
            and subgroup_strata.sex = reference_strata.sex
            and subgroup_strata.age_group = reference_strata.age_group
),

standardised as (
    {{ direct_standardised_rate('strata_with_reference', group_by=['group_key', subgroup_column, 'service_key']) }}
),

person_follow_up as (
    select
        subgroup_persons.group_key,
        subgroup_persons.{{ subgroup_column }},
        count(*) as persons,
        count(*) filter (where persons.follow_up_months > 0) as persons_followed,
        sum(persons.follow_up_months) as follow_up_months
    from persons
    inner join subgroup_persons
        on persons.person_id = subgroup_persons.person_id
    group by subgroup_persons.group_key, subgroup_persons.{{ subgroup_column }}
),

final as (
    select
        standardised.group_key,
        standardised.{{ subgroup_column }},
        standardised.service_key,
        services.service_family,
        services.per_unit,
        services.sort_order,
        person_follow_up.persons,
        person_follow_up.persons_followed,
        standardised.events,
        round(standardised.person_months, 10) as person_months,
        {{ round_significant('person_follow_up.follow_up_months / person_follow_up.persons') }}
            as mean_follow_up_months,
        {{ round_significant('cast(standardised.events as double) / person_follow_up.persons') }}
            as contacts_per_person,
        {{ round_significant('cast(1000 as double) * standardised.events / person_follow_up.persons') }}
            as contacts_per_1000_persons,
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
    inner join person_follow_up
        on
            standardised.group_key = person_follow_up.group_key
            and standardised.{{ subgroup_column }} = person_follow_up.{{ subgroup_column }}
    left join services
        on standardised.service_key = services.service_key
)

select * from final
{%- endmacro %}
