{#- Per group and service: the follow-up-adjusted annual rate (contacts per person-year) with its
    Garwood CI, and the rate directly standardised for sex x age group to the reference population
    (var standard_population_group) with the Fay & Feuer CI. Method: doc block rates__annual_rates.
    With the group's persons followed (Table 1's definition, int_unsuppressed__population_by_group), which
    the mart's disclosure control needs.
    A table, never a view: gamma_quantile is a Python UDF that BI tools do not have. -#}
{{ config(materialized='table') }}

with

strata as (
    select * from {{ ref('int_annual_rate_strata') }}
),

population as (
    select * from {{ ref('int_unsuppressed__population_by_group') }}
),

reference_strata as (
    select
        service_key,
        sex,
        age_group,
        person_months as reference_person_months
    from strata
    where group_key = '{{ var("standard_population_group") }}'
),

strata_with_reference as (
    select
        strata.group_key,
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
    {{ direct_standardised_rate('strata_with_reference', group_by=['group_key', 'service_key']) }}
),

standardised_with_persons as (
    select
        standardised.*,
        population.persons_followed
    from standardised
    left join population
        on standardised.group_key = population.group_key
),

-- Rates stored to 12 significant digits (person-months to 10 decimals): sums of doubles in a parallel
-- aggregate vary in the last bits from run to run, and rounded values make the table reproducible and
-- comparable exactly (unit tests) while keeping 1e-12 relative precision for rare events.
final as (
    select
        group_key,
        service_key,
        persons_followed,
        events,
        round(person_months, 10) as person_months,
        {{ round_significant(annualised_rate('events', 'person_months')) }} as crude_rate_annual,
        {{ round_significant(annualised_rate(poisson_ci_lower('events'), 'person_months')) }}
            as crude_rate_ci_lower_annual,
        {{ round_significant(annualised_rate(poisson_ci_upper('events'), 'person_months')) }}
            as crude_rate_ci_upper_annual,
        {{ round_significant('dsr_annual') }} as dsr_annual,
        {{ round_significant('dsr_ci_lower_annual') }} as dsr_ci_lower_annual,
        {{ round_significant('dsr_ci_upper_annual') }} as dsr_ci_upper_annual,
        dsr_variance_annual,
        stratum_count,
        dropped_stratum_count,
        round(dropped_reference_weight, 10) as dropped_reference_weight,
        is_fully_standardised
    from standardised_with_persons
)

select * from final
