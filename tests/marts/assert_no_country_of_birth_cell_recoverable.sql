{#- Sibling of assert_no_suppressed_cell_recoverable for the by-country marts (issue 14): no hidden cell of
    annual_rates_by_country_of_birth or contacts_by_country_of_birth may be recovered by subtraction, with
    the same rule (macros/tests/recoverable_set_failures.sql). Each set is listed with its published
    numbers only (a hidden cell is null in the mart and only its flag is used): the group totals (annual_rates, contacts_by_group, population_by_group: read,
    never changed) over the group's countries and the pooled row 'other', for contacts per service, persons,
    persons followed and person-months (which a country shows on any of its service rows); and within a
    country somatic_any and mental_any over their parts. A group with no pooled row (ukraine_recent) adds 0
    for it. A set fails when its total is published and total minus the published parts is not 0 with no
    part hidden, or exactly one part is hidden, or (counts) two or more hidden parts sum to 0..threshold; or
    when its total is hidden and every part is published. Contacts in the two marts must be the same numbers,
    hidden alike. Returns the offending sets. -#}
with

country_rates as (
    select * from {{ ref('annual_rates_by_country_of_birth') }}
),

country_contacts as (
    select * from {{ ref('contacts_by_country_of_birth') }}
),

annual_rates as (
    select * from {{ ref('annual_rates') }}
),

contacts_by_group as (
    select * from {{ ref('contacts_by_group') }}
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

-- ------------------------------------------------------------------------ within a country's rows
service_cells as (
    select
        'annual_rates_by_country_of_birth: service sets' as link,
        country_rates.group_key || ' ' || country_rates.country_key || ' ' || service_sets.service_set_key
            as set_key,
        'contacts' as measure,
        service_sets.is_set_total as is_total,
        cast(country_rates.contacts as double) as published_value,
        country_rates.is_suppressed as is_hidden
    from country_rates
    inner join service_sets
        on country_rates.service_key = service_sets.service_key
    union all
    select
        'contacts_by_country_of_birth: service sets' as link,
        country_contacts.group_key || ' ' || country_contacts.country_key || ' ' || service_sets.service_set_key
            as set_key,
        'contacts' as measure,
        service_sets.is_set_total as is_total,
        cast(country_contacts.contacts as double) as published_value,
        country_contacts.is_suppressed as is_hidden
    from country_contacts
    inner join service_sets
        on country_contacts.service_key = service_sets.service_key
),

-- ------------------------------------------------------------- group totals over the countries
contacts_cells as (
    select
        'annual_rates over countries' as link,
        annual_rates.group_key || ' ' || annual_rates.service_key as set_key,
        'contacts' as measure,
        true as is_total,
        cast(annual_rates.contacts as double) as published_value,
        annual_rates.is_suppressed as is_hidden
    from annual_rates
    inner join refugee_groups
        on annual_rates.group_key = refugee_groups.group_key
    union all
    select
        'annual_rates over countries' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        false as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden
    from country_rates
    union all
    select
        'contacts_by_group over countries' as link,
        contacts_by_group.group_key || ' ' || contacts_by_group.service_key as set_key,
        'contacts' as measure,
        true as is_total,
        cast(contacts_by_group.contacts as double) as published_value,
        contacts_by_group.is_suppressed as is_hidden
    from contacts_by_group
    inner join refugee_groups
        on contacts_by_group.group_key = refugee_groups.group_key
    union all
    select
        'contacts_by_group over countries' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        false as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden
    from country_contacts
),

-- A country's persons, persons followed and person-months are on each of its rows: a reader takes them from
-- any row that shows them; the group's likewise.
group_follow_up as (
    select
        group_key,
        max(persons_followed) as persons_followed,
        max(person_months) as person_months
    from annual_rates
    group by group_key
),

country_follow_up as (
    select
        country_rates.group_key,
        country_rates.country_key,
        max(country_rates.persons_followed) as persons_followed,
        max(country_rates.person_months) as person_months,
        max(country_contacts.persons) as persons
    from country_rates
    left join country_contacts
        on
            country_rates.group_key = country_contacts.group_key
            and country_rates.country_key = country_contacts.country_key
            and country_rates.service_key = country_contacts.service_key
    group by country_rates.group_key, country_rates.country_key
),

follow_up_cells as (
    select
        'population_by_group over countries' as link,
        population_by_group.group_key as set_key,
        'persons' as measure,
        true as is_total,
        cast(population_by_group.persons as double) as published_value,
        population_by_group.persons is null as is_hidden
    from population_by_group
    inner join refugee_groups
        on population_by_group.group_key = refugee_groups.group_key
    union all
    select
        'population_by_group over countries' as link,
        group_key as set_key,
        'persons' as measure,
        false as is_total,
        cast(persons as double) as published_value,
        persons is null as is_hidden
    from country_follow_up
    union all
    select
        'annual_rates over countries' as link,
        group_follow_up.group_key as set_key,
        'persons_followed' as measure,
        true as is_total,
        cast(group_follow_up.persons_followed as double) as published_value,
        group_follow_up.persons_followed is null as is_hidden
    from group_follow_up
    inner join refugee_groups
        on group_follow_up.group_key = refugee_groups.group_key
    union all
    select
        'annual_rates over countries' as link,
        group_key as set_key,
        'persons_followed' as measure,
        false as is_total,
        cast(persons_followed as double) as published_value,
        persons_followed is null as is_hidden
    from country_follow_up
    union all
    select
        'annual_rates over countries' as link,
        group_follow_up.group_key as set_key,
        'person_months' as measure,
        true as is_total,
        cast(group_follow_up.person_months as double) as published_value,
        group_follow_up.person_months is null as is_hidden
    from group_follow_up
    inner join refugee_groups
        on group_follow_up.group_key = refugee_groups.group_key
    union all
    select
        'annual_rates over countries' as link,
        group_key as set_key,
        'person_months' as measure,
        false as is_total,
        cast(person_months as double) as published_value,
        person_months is null as is_hidden
    from country_follow_up
),

-- ------------------------------------------------------------------------------------------ evaluation
cells as (
    select * from service_cells
    union all
    select * from contacts_cells
    union all
    select * from follow_up_cells
),

failures as (
    {{ recoverable_set_failures('cells') | indent(4) }}
),

-- ---------------------------------------------------------------- the same numbers in the two marts
same_cell_failures as (
    select
        'annual_rates_by_country_of_birth and contacts_by_country_of_birth: contacts' as link,
        country_rates.group_key || ' ' || country_rates.country_key || ' ' || country_rates.service_key
            as set_key,
        'same number' as measure,
        true as is_count,
        not country_rates.is_suppressed as is_total_published,
        country_rates.is_suppressed as is_total_hidden,
        cast(country_rates.contacts as double) as published_total,
        cast(country_contacts.contacts as double) as published_parts,
        case when country_contacts.is_suppressed then 1 else 0 end as hidden_parts,
        cast(country_rates.contacts as double) - cast(country_contacts.contacts as double) as recoverable_remainder,
        true as has_remainder
    from country_rates
    inner join country_contacts
        on
            country_rates.group_key = country_contacts.group_key
            and country_rates.country_key = country_contacts.country_key
            and country_rates.service_key = country_contacts.service_key
    where
        country_rates.is_suppressed <> country_contacts.is_suppressed
        or country_rates.contacts is distinct from country_contacts.contacts
)

select * from failures
union all
select * from same_cell_failures
