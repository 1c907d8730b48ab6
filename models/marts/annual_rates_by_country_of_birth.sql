{#- Table 3 by country of birth (issue 14) for BI: per refugee group x country of birth (each country with at
    least var min_country_persons persons in the group; the rest pooled as 'other') x service, the
    follow-up-adjusted annual rate with its Garwood CI and the age-sex standardised rate with the Fay & Feuer
    CI (precomputed in int_country_of_birth_rates). The countries (with the pooled row) add up to the group's
    row in annual_rates, and within a country somatic_any and mental_any add up to their parts: primary
    and complementary suppression over both kinds of sets (macros/subgroups/subgroup_rate_suppression.sql,
    doc block marts__country_of_birth_disclosure). contacts_by_country_of_birth
    reads this mart's flags, so the two hide the same cells. -#}
with

country_rates as (
    select * from {{ ref('int_country_of_birth_rates') }}
),

suppressed as (
    {{ subgroup_rate_suppression('country_rates', 'country_key') | indent(4) }}
),

flagged as (
    select
        country_rates.*,
        suppressed.is_suppressed,
        suppressed.is_complementary_suppressed,
        suppressed.is_subgroup_hidden as is_country_hidden
    from country_rates
    inner join suppressed
        on
            country_rates.group_key = suppressed.group_key
            and country_rates.country_key = suppressed.country_key
            and country_rates.service_key = suppressed.service_key
),

final as (
    select
        group_key,
        country_key,
        country_name_en,
        country_name_no,
        is_other_countries,
        country_sort_order,
        countries,
        service_key,
        sort_order,
        -- The country's persons followed and person-months stay visible on a row whose contacts are hidden
        -- (they are the same on its other rows), unless the country itself is hidden.
        case when not is_country_hidden then persons_followed end as persons_followed,
        case when not is_suppressed then events end as contacts,
        case when not is_country_hidden then person_months end as person_months,
        case when not is_suppressed then crude_rate_annual end as rate_annual,
        case when not is_suppressed then crude_rate_ci_lower_annual end as rate_ci_lower_annual,
        case when not is_suppressed then crude_rate_ci_upper_annual end as rate_ci_upper_annual,
        case when not is_suppressed then dsr_annual end as dsr_annual,
        case when not is_suppressed then dsr_ci_lower_annual end as dsr_ci_lower_annual,
        case when not is_suppressed then dsr_ci_upper_annual end as dsr_ci_upper_annual,
        is_fully_standardised,
        is_suppressed,
        is_complementary_suppressed,
        is_country_hidden
    from flagged
)

select * from final
