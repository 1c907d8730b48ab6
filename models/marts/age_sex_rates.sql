{#- Figures 4-6 for BI: follow-up-adjusted annual contacts per person by group x service x sex x age
    group, with the Garwood CI (precomputed in int_unsuppressed__age_sex_rates). The strata add up to the group x service
    rows that annual_rates publishes, and within a stratum somatic_any and mental_any add up to their parts:
    primary suppression, then complementary suppression over both kinds of sets, with the strata that are
    zero by definition counted as known (doc block marts__disclosure_control). -#}
with

age_sex_rates as (
    select * from {{ ref('int_unsuppressed__age_sex_rates') }}
),

-- The published totals of the strata: their hidden cells are read here, never changed.
annual_rates as (
    select * from {{ ref('annual_rates') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

services as (
    select * from {{ ref('services') }}
),

structural_zero_strata as (
    select * from {{ ref('structural_zero_strata') }}
),

service_sets as (
    {{ combined_service_sets() }}
),

-- Persons followed and person-months are the stratum's, the same on every service row, so a stratum's are
-- hidden only where all its rows are: when it has 5 or fewer persons followed. annual_rates publishes the
-- group's, so such a stratum needs another hidden stratum beside it (their persons summing to more than 5).
stratum_persons as (
    select distinct
        group_key,
        sex,
        age_group,
        persons_followed
    from age_sex_rates
),

group_persons as (
    select distinct
        group_key,
        persons_followed is null as is_hidden
    from annual_rates
),

persons_cells as (
    select
        group_key,
        sex,
        age_group,
        persons_followed,
        false as is_group_total,
        {{ is_suppressed('persons_followed') }} as is_hidden,
        sex || ' ' || age_group as stratum_order
    from stratum_persons
    union all
    select
        group_key,
        null as sex,
        null as age_group,
        null as persons_followed,
        true as is_group_total,
        is_hidden,
        null as stratum_order
    from group_persons
),

persons_suppressed as (
    {{ complementary_suppression(
        'persons_cells', set_by=['group_key'], is_total_column='is_group_total', basis='persons_followed',
        order_by='stratum_order', hidden='is_hidden'
    ) }}
),

-- One row per published cell, plus annual_rates' rows as the totals of the strata (sex and age group 'all').
stratum_cells as (
    select
        age_sex_rates.group_key,
        age_sex_rates.service_key,
        age_sex_rates.sex,
        age_sex_rates.age_group,
        age_sex_rates.events,
        false as is_annual_rates_total,
        service_sets.service_set_key,
        coalesce(service_sets.is_set_total, false) as is_service_set_total,
        {{ is_suppressed('least(age_sex_rates.events, age_sex_rates.persons_followed)') }} as is_primary_suppressed,
        {{ is_suppressed('least(age_sex_rates.events, age_sex_rates.persons_followed)') }}
        or persons_suppressed.is_hidden as is_suppressed,
        persons_suppressed.is_hidden as is_stratum_hidden,
        structural_zero_strata.service_key is not null and age_sex_rates.events = 0 as is_known_zero,
        lpad(cast(services.sort_order as string), 3, '0') || ' ' || age_sex_rates.sex || ' '
        || lpad(cast(age_groups.sort_order as string), 3, '0') as cell_order
    from age_sex_rates
    left join persons_suppressed
        on
            age_sex_rates.group_key = persons_suppressed.group_key
            and age_sex_rates.sex = persons_suppressed.sex
            and age_sex_rates.age_group = persons_suppressed.age_group
            and not persons_suppressed.is_group_total
    left join service_sets
        on age_sex_rates.service_key = service_sets.service_key
    left join structural_zero_strata
        on
            age_sex_rates.service_key = structural_zero_strata.service_key
            and age_sex_rates.sex = structural_zero_strata.sex
            and age_sex_rates.age_group = structural_zero_strata.age_group
    left join services
        on age_sex_rates.service_key = services.service_key
    left join age_groups
        on age_sex_rates.age_group = age_groups.age_group
),

annual_rates_totals as (
    select
        group_key,
        service_key,
        'all' as sex,
        'all' as age_group,
        contacts as events,
        true as is_annual_rates_total,
        null as service_set_key,
        false as is_service_set_total,
        false as is_primary_suppressed,
        is_suppressed,
        false as is_stratum_hidden,
        false as is_known_zero,
        '' as cell_order
    from annual_rates
),

cells as (
    select * from stratum_cells
    union all
    select * from annual_rates_totals
),

suppressed as (
    {{ iterated_complementary_suppression(
        'cells',
        sets=[
            {'set_by': ['group_key', 'service_key'], 'is_total_column': 'is_annual_rates_total'},
            {'set_by': ['group_key', 'sex', 'age_group', 'service_set_key'], 'is_total_column': 'is_service_set_total'}
        ],
        basis='events', order_by='cell_order', hidden='is_suppressed', known='is_known_zero'
    ) }}
),

flagged as (
    select
        age_sex_rates.*,
        age_groups.sort_order as age_group_sort_order,
        suppressed.is_suppressed,
        suppressed.is_suppressed and not suppressed.is_primary_suppressed as is_complementary_suppressed,
        suppressed.is_stratum_hidden
    from age_sex_rates
    inner join suppressed
        on
            age_sex_rates.group_key = suppressed.group_key
            and age_sex_rates.service_key = suppressed.service_key
            and age_sex_rates.sex = suppressed.sex
            and age_sex_rates.age_group = suppressed.age_group
            and not suppressed.is_annual_rates_total
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
        -- The stratum's persons and person-months stay visible on a row whose contacts are hidden (they
        -- are the same on the stratum's other rows), unless the stratum itself is hidden.
        case when not is_stratum_hidden then persons_followed end as persons_followed,
        case when not is_suppressed then events end as contacts,
        case when not is_stratum_hidden then person_months end as person_months,
        case when not is_suppressed then rate_annual end as rate_annual,
        case when not is_suppressed then rate_ci_lower_annual end as rate_ci_lower_annual,
        case when not is_suppressed then rate_ci_upper_annual end as rate_ci_upper_annual,
        is_suppressed,
        is_complementary_suppressed
    from flagged
)

select * from final
