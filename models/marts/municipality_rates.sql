{#- Tables V2/V3 for BI: per municipality with enough settled Ukrainian refugees, per recent group and
    service (GP, out-of-hours): persons, contacts, person-months and the follow-up-adjusted annual rate
    with its Garwood CI; the refugee-health-service flag. Cells resting on 5 or fewer are hidden, and so
    are further municipalities where refugee_health_service_comparison publishes the pooled total of a
    hidden one (complementary suppression; doc block marts__disclosure_control). -#}
with

municipality_rates as (
    select * from {{ ref('int_unsuppressed__municipality_rates') }}
),

-- The pooled totals of the municipality rows with the same flag: their hidden cells are read, never changed.
comparison as (
    select * from {{ ref('refugee_health_service_comparison') }}
),

-- Persons and person-months are the municipality x group's, the same on both service rows, so they are
-- hidden with the whole municipality x group: when it has 5 or fewer persons, or to protect such a one from
-- the pooled persons (another municipality of the pool, the fewest persons first).
unit_persons as (
    select distinct
        municipality_code,
        has_refugee_health_service,
        group_key,
        persons
    from municipality_rates
),

pooled_persons as (
    select distinct
        has_refugee_health_service,
        group_key,
        persons is null as is_hidden
    from comparison
),

persons_cells as (
    select
        municipality_code,
        has_refugee_health_service,
        group_key,
        persons,
        false as is_pooled_total,
        {{ is_suppressed('persons') }} as is_hidden
    from unit_persons
    union all
    select
        null as municipality_code,
        has_refugee_health_service,
        group_key,
        null as persons,
        true as is_pooled_total,
        is_hidden
    from pooled_persons
),

persons_suppressed as (
    {{ complementary_suppression(
        'persons_cells', set_by=['has_refugee_health_service', 'group_key'], is_total_column='is_pooled_total',
        basis='persons', order_by='municipality_code', hidden='is_hidden'
    ) }}
),

-- Contacts per service: one row per published cell, plus the pooled rows as the totals.
municipality_cells as (
    select
        municipality_rates.municipality_code,
        municipality_rates.has_refugee_health_service,
        municipality_rates.group_key,
        municipality_rates.service_key,
        municipality_rates.contacts,
        false as is_pooled_total,
        {{ is_suppressed('least(municipality_rates.persons, municipality_rates.contacts)') }}
            as is_primary_suppressed,
        {{ is_suppressed('least(municipality_rates.persons, municipality_rates.contacts)') }}
        or persons_suppressed.is_hidden as is_suppressed,
        persons_suppressed.is_hidden as is_unit_hidden
    from municipality_rates
    inner join persons_suppressed
        on
            municipality_rates.municipality_code = persons_suppressed.municipality_code
            and municipality_rates.group_key = persons_suppressed.group_key
            and not persons_suppressed.is_pooled_total
),

pooled_cells as (
    select
        null as municipality_code,
        has_refugee_health_service,
        group_key,
        service_key,
        contacts,
        true as is_pooled_total,
        false as is_primary_suppressed,
        is_suppressed,
        false as is_unit_hidden
    from comparison
),

cells as (
    select * from municipality_cells
    union all
    select * from pooled_cells
),

suppressed as (
    {{ complementary_suppression(
        'cells', set_by=['has_refugee_health_service', 'group_key', 'service_key'],
        is_total_column='is_pooled_total', basis='contacts', order_by='municipality_code', hidden='is_suppressed'
    ) }}
),

flagged as (
    select
        municipality_rates.*,
        suppressed.is_suppressed,
        suppressed.is_suppressed and not suppressed.is_primary_suppressed as is_complementary_suppressed,
        suppressed.is_unit_hidden
    from municipality_rates
    inner join suppressed
        on
            municipality_rates.municipality_code = suppressed.municipality_code
            and municipality_rates.group_key = suppressed.group_key
            and municipality_rates.service_key = suppressed.service_key
            and not suppressed.is_pooled_total
),

final as (
    select
        municipality_code,
        municipality_name,
        county_name,
        has_refugee_health_service,
        group_key,
        service_key,
        case when not is_unit_hidden then persons end as persons,
        case when not is_suppressed then contacts end as contacts,
        case when not is_suppressed then person_months end as person_months,
        case when not is_suppressed then rate_annual end as rate_annual,
        case when not is_suppressed then rate_ci_lower_annual end as rate_ci_lower_annual,
        case when not is_suppressed then rate_ci_upper_annual end as rate_ci_upper_annual,
        is_suppressed,
        is_complementary_suppressed
    from flagged
)

select * from final
