{#- Figures 4-6 for BI: follow-up-adjusted annual contacts per person by group x service x sex x age
    group, with the Garwood CI (precomputed in int_age_sex_rates). -#}
with

age_sex_rates as (
    select * from {{ ref('int_age_sex_rates') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

flagged as (
    select
        age_sex_rates.*,
        age_groups.sort_order as age_group_sort_order,
        {{ is_suppressed('least(age_sex_rates.events, age_sex_rates.persons_followed)') }} as is_suppressed
    from age_sex_rates
    left join age_groups
        on age_sex_rates.age_group = age_groups.age_group
),

final as (
    select
        group_key,
        service_key,
        sex,
        age_group,
        age_group_sort_order,
        {{ suppress_small_cells('persons_followed', 'persons_followed') }} as persons_followed,
        case when not is_suppressed then events end as contacts,
        {{ suppress_small_cells('person_months', 'persons_followed') }} as person_months,
        case when not is_suppressed then rate_annual end as rate_annual,
        case when not is_suppressed then rate_ci_lower_annual end as rate_ci_lower_annual,
        case when not is_suppressed then rate_ci_upper_annual end as rate_ci_upper_annual,
        is_suppressed
    from flagged
)

select * from final
