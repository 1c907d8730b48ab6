{#- Table 3 by country of birth (issue 14) for BI: per refugee group x country of birth (each country with at
    least var min_country_persons persons in the group; the rest pooled as 'other') x service, the
    follow-up-adjusted annual rate with its Garwood CI and the age-sex standardised rate with the Fay & Feuer
    CI (precomputed in int_country_of_birth_rates). The countries (with the pooled row) add up to the group's
    row in annual_rates, and within a country somatic_any and mental_any add up to their parts: primary
    suppression, then complementary suppression over both kinds of sets, reading annual_rates' hidden cells
    and never changing them (doc block marts__country_of_birth_disclosure). contacts_by_country_of_birth
    reads this mart's flags, so the two hide the same cells. -#}
with

country_rates as (
    select * from {{ ref('int_country_of_birth_rates') }}
),

-- The published totals of the countries: their hidden cells are read here, never changed.
annual_rates as (
    select * from {{ ref('annual_rates') }}
),

population_by_group as (
    select * from {{ ref('population_by_group') }}
),

service_sets as (
    {{ combined_service_sets() }}
),

refugee_groups as (
    select distinct group_key from country_rates
),

-- Persons (Table 2) and persons followed, person-months (Table 3) are the country's, the same on each of
-- its service rows, so they are hidden row-wise: when the country has 5 or fewer persons followed, and then
-- beside another hidden country so that the group's published totals do not give them back.
country_persons as (
    select distinct
        group_key,
        country_key,
        persons_followed
    from country_rates
),

group_persons as (
    select
        annual_rates.group_key,
        bool_or(annual_rates.persons_followed is null) or bool_or(population_by_group.persons is null) as is_hidden
    from annual_rates
    left join population_by_group
        on annual_rates.group_key = population_by_group.group_key
    group by annual_rates.group_key
),

persons_cells as (
    select
        country_persons.group_key,
        country_persons.country_key,
        country_persons.persons_followed,
        false as is_group_total,
        {{ is_suppressed('country_persons.persons_followed') }} as is_hidden,
        country_persons.country_key as country_order
    from country_persons
    union all
    select
        group_persons.group_key,
        null as country_key,
        null as persons_followed,
        true as is_group_total,
        group_persons.is_hidden,
        null as country_order
    from group_persons
    inner join refugee_groups
        on group_persons.group_key = refugee_groups.group_key
),

persons_suppressed as (
    {{ complementary_suppression(
        'persons_cells', set_by=['group_key'], is_total_column='is_group_total', basis='persons_followed',
        order_by='country_order', hidden='is_hidden'
    ) }}
),

country_cells as (
    select
        country_rates.group_key,
        country_rates.country_key,
        country_rates.service_key,
        country_rates.events,
        false as is_annual_rates_total,
        service_sets.service_set_key,
        coalesce(service_sets.is_set_total, false) as is_service_set_total,
        {{ is_suppressed('least(country_rates.events, country_rates.persons_followed)') }} as is_primary_suppressed,
        {{ is_suppressed('least(country_rates.events, country_rates.persons_followed)') }}
        or persons_suppressed.is_hidden as is_suppressed,
        persons_suppressed.is_hidden as is_country_hidden,
        lpad(cast(country_rates.sort_order as varchar), 3, '0') || ' ' || country_rates.country_key as cell_order
    from country_rates
    left join persons_suppressed
        on
            country_rates.group_key = persons_suppressed.group_key
            and country_rates.country_key = persons_suppressed.country_key
            and not persons_suppressed.is_group_total
    left join service_sets
        on country_rates.service_key = service_sets.service_key
),

annual_rates_totals as (
    select
        annual_rates.group_key,
        'all' as country_key,
        annual_rates.service_key,
        annual_rates.contacts as events,
        true as is_annual_rates_total,
        null as service_set_key,
        false as is_service_set_total,
        false as is_primary_suppressed,
        annual_rates.is_suppressed,
        false as is_country_hidden,
        '' as cell_order
    from annual_rates
    inner join refugee_groups
        on annual_rates.group_key = refugee_groups.group_key
),

cells as (
    select * from country_cells
    union all
    select * from annual_rates_totals
),

suppressed as (
    {{ iterated_complementary_suppression(
        'cells',
        sets=[
            {'set_by': ['group_key', 'service_key'], 'is_total_column': 'is_annual_rates_total'},
            {'set_by': ['group_key', 'country_key', 'service_set_key'], 'is_total_column': 'is_service_set_total'}
        ],
        basis='events', order_by='cell_order', hidden='is_suppressed'
    ) }}
),

flagged as (
    select
        country_rates.*,
        suppressed.is_suppressed,
        suppressed.is_suppressed and not suppressed.is_primary_suppressed as is_complementary_suppressed,
        suppressed.is_country_hidden
    from country_rates
    inner join suppressed
        on
            country_rates.group_key = suppressed.group_key
            and country_rates.country_key = suppressed.country_key
            and country_rates.service_key = suppressed.service_key
            and not suppressed.is_annual_rates_total
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
