{#- Disclosure control of a split of the refugee groups' Table 3 (by country of birth, by immigration
    reason): the subgroups of a group add up to the group's row in annual_rates, and within a subgroup
    somatic_any and mental_any add up to their parts. Primary suppression (5 or fewer contacts or persons
    followed), then complementary suppression over both kinds of sets, reading annual_rates' hidden cells and
    never changing them; the subgroup's persons and person-months are hidden row-wise (5 or fewer persons
    followed, then beside another hidden subgroup). Doc block marts__country_of_birth_disclosure.

    `rates`: one row per group x `subgroup_column` x service with events, persons_followed and sort_order
    (subgroup_rates). Returns a select with group_key, `subgroup_column`, service_key, is_suppressed,
    is_complementary_suppressed and is_subgroup_hidden. -#}
{% macro subgroup_rate_suppression(rates, subgroup_column) -%}
with

subgroup_rates as (
    select * from {{ rates }}
),

-- The published totals of the subgroups: their hidden cells are read here, never changed.
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
    select distinct group_key from subgroup_rates
),

-- Persons (Table 2) and persons followed, person-months (Table 3) are the subgroup's, the same on each of
-- its service rows, so they are hidden row-wise: when the subgroup has 5 or fewer persons followed, and
-- then beside another hidden subgroup so that the group's published totals do not give them back.
subgroup_persons as (
    select distinct
        group_key,
        {{ subgroup_column }},
        persons_followed
    from subgroup_rates
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
        subgroup_persons.group_key,
        subgroup_persons.{{ subgroup_column }},
        subgroup_persons.persons_followed,
        false as is_group_total,
        {{ is_suppressed('subgroup_persons.persons_followed') }} as is_hidden,
        subgroup_persons.{{ subgroup_column }} as subgroup_order
    from subgroup_persons
    union all
    select
        group_persons.group_key,
        null as {{ subgroup_column }},
        null as persons_followed,
        true as is_group_total,
        group_persons.is_hidden,
        null as subgroup_order
    from group_persons
    inner join refugee_groups
        on group_persons.group_key = refugee_groups.group_key
),

persons_suppressed as (
    {{ complementary_suppression(
        'persons_cells', set_by=['group_key'], is_total_column='is_group_total', basis='persons_followed',
        order_by='subgroup_order', hidden='is_hidden'
    ) }}
),

subgroup_cells as (
    select
        subgroup_rates.group_key,
        subgroup_rates.{{ subgroup_column }},
        subgroup_rates.service_key,
        subgroup_rates.events,
        false as is_annual_rates_total,
        service_sets.service_set_key,
        coalesce(service_sets.is_set_total, false) as is_service_set_total,
        {{ is_suppressed('least(subgroup_rates.events, subgroup_rates.persons_followed)') }} as is_primary_suppressed,
        {{ is_suppressed('least(subgroup_rates.events, subgroup_rates.persons_followed)') }}
        or persons_suppressed.is_hidden as is_suppressed,
        persons_suppressed.is_hidden as is_subgroup_hidden,
        lpad(cast(subgroup_rates.sort_order as string), 3, '0') || ' ' || subgroup_rates.{{ subgroup_column }} as cell_order
    from subgroup_rates
    left join persons_suppressed
        on
            subgroup_rates.group_key = persons_suppressed.group_key
            and subgroup_rates.{{ subgroup_column }} = persons_suppressed.{{ subgroup_column }}
            and not persons_suppressed.is_group_total
    left join service_sets
        on subgroup_rates.service_key = service_sets.service_key
),

annual_rates_totals as (
    select
        annual_rates.group_key,
        'all' as {{ subgroup_column }},
        annual_rates.service_key,
        annual_rates.contacts as events,
        true as is_annual_rates_total,
        null as service_set_key,
        false as is_service_set_total,
        false as is_primary_suppressed,
        annual_rates.is_suppressed,
        false as is_subgroup_hidden,
        '' as cell_order
    from annual_rates
    inner join refugee_groups
        on annual_rates.group_key = refugee_groups.group_key
),

cells as (
    select * from subgroup_cells
    union all
    select * from annual_rates_totals
),

sgs__suppressed as (
    {{ iterated_complementary_suppression(
        'cells',
        sets=[
            {'set_by': ['group_key', 'service_key'], 'is_total_column': 'is_annual_rates_total'},
            {'set_by': ['group_key', subgroup_column, 'service_set_key'], 'is_total_column': 'is_service_set_total'}
        ],
        basis='events', order_by='cell_order', hidden='is_suppressed'
    ) }}
)

-- The subgroups' cells with their flags (the caller joins them back to its rates).
select
    group_key,
    {{ subgroup_column }},
    service_key,
    is_suppressed,
    is_suppressed and not is_primary_suppressed as is_complementary_suppressed,
    is_subgroup_hidden
from sgs__suppressed
where not is_annual_rates_total
{%- endmacro %}
