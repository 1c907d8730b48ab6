{#- No hidden cell may be recovered by subtraction from a published total, within a mart or across marts.
    Every set of a total and the parts that add up to it is listed below with its published numbers only
    (a hidden cell is null in the mart and only its flag is used), plus what every reader knows anyway:
    cells zero by definition (seed structural_zero_strata) count as published zeros, and a part with no row
    at all (a municipality without persons of the group) adds 0. Within marts: contacts_by_group, annual_rates
    and age_sex_rates (per stratum) somatic_any and mental_any over their rows; time_to_first_contact's group
    row over its sex x age strata; time_to_first_contact_survival's group curve over its strata, per curve and
    month (persons at risk). Across marts: annual_rates' group x service rows over age_sex_rates' strata
    (contacts; persons followed and person-months of the group, which a stratum shows on any of its service
    rows); refugee_health_service_comparison over municipality_rates (contacts per service; persons and
    person-months per group, shown on either service row); and the group totals of contacts_by_group and
    population_by_group over the pooled rows and the municipalities outside the seed (an "open" set: the
    persons settled outside the listed municipalities are never published); municipality_traffic_light's
    county rows over their municipalities (a municipality that municipality_rates publishes counts as
    published with that value) and the group totals of contacts_by_group over its county rows, over all its
    municipality rows, and over Vedlegg 4's pools plus the municipalities in no pool (open only
    where persons without a known settlement municipality exist, read from the unsuppressed table; closed,
    as in the synthetic extracts, otherwise). A set fails when
    - its total is published and, closed, total minus the published parts is not 0 with no part hidden, or
      exactly one part is hidden (recovered exactly), or for counts two or more parts are hidden but they sum
      to 0..threshold; open, the unpublished rest (plus any hidden part) is 1..threshold;
    - its total is hidden but every part is published or known (the total is their sum).
    Same numbers published in two marts (contacts_by_group and annual_rates contacts, population_by_group and
    contacts_by_group persons) fail when one hides what the other shows, or when they differ; the traffic
    light may hide more than municipality_rates, never less, and must show the same contacts.
    Returns the offending sets. -#}
{%- set threshold = var('suppression_threshold', 5) | int -%}

with

contacts_by_group as (
    select * from {{ ref('contacts_by_group') }}
),

annual_rates as (
    select * from {{ ref('annual_rates') }}
),

age_sex_rates as (
    select * from {{ ref('age_sex_rates') }}
),

population_by_group as (
    select * from {{ ref('population_by_group') }}
),

time_to_first_contact as (
    select * from {{ ref('time_to_first_contact') }}
),

time_to_first_contact_survival as (
    select * from {{ ref('time_to_first_contact_survival') }}
),

municipality_rates as (
    select * from {{ ref('municipality_rates') }}
),

refugee_health_service_comparison as (
    select * from {{ ref('refugee_health_service_comparison') }}
),

municipality_traffic_light as (
    select * from {{ ref('municipality_traffic_light') }}
),

-- Only to know whether the national set is closed: are there persons without a known settlement
-- municipality (in the national total, in no published row)? Their number is not published.
traffic_light_unsuppressed as (
    select * from {{ ref('int_unsuppressed__municipality_traffic_light') }}
),

structural_zero_strata as (
    select * from {{ ref('structural_zero_strata') }}
),

service_sets as (
    {{ combined_service_sets() }}
),

-- ---------------------------------------------------------------------------------------- within marts
service_cells as (
    select
        'contacts_by_group: service sets' as link,
        contacts_by_group.group_key || ' ' || service_sets.service_set_key as set_key,
        'contacts' as measure,
        service_sets.is_set_total as is_total,
        cast(contacts_by_group.contacts as double) as published_value,
        contacts_by_group.is_suppressed as is_hidden,
        false as is_known
    from contacts_by_group
    inner join service_sets
        on contacts_by_group.service_key = service_sets.service_key
    union all
    select
        'annual_rates: service sets' as link,
        annual_rates.group_key || ' ' || service_sets.service_set_key as set_key,
        'contacts' as measure,
        service_sets.is_set_total as is_total,
        cast(annual_rates.contacts as double) as published_value,
        annual_rates.is_suppressed as is_hidden,
        false as is_known
    from annual_rates
    inner join service_sets
        on annual_rates.service_key = service_sets.service_key
),

-- A stratum cell that is zero by definition is known to every reader, hidden or not.
age_sex_cells as (
    select
        age_sex_rates.*,
        structural_zero_strata.service_key is not null as is_structural_zero
    from age_sex_rates
    left join structural_zero_strata
        on
            age_sex_rates.service_key = structural_zero_strata.service_key
            and age_sex_rates.sex = structural_zero_strata.sex
            and age_sex_rates.age_group = structural_zero_strata.age_group
),

age_sex_service_cells as (
    select
        'age_sex_rates: service sets per stratum' as link,
        age_sex_cells.group_key || ' ' || age_sex_cells.sex || ' ' || age_sex_cells.age_group || ' '
        || service_sets.service_set_key as set_key,
        'contacts' as measure,
        service_sets.is_set_total as is_total,
        cast(age_sex_cells.contacts as double) as published_value,
        age_sex_cells.is_suppressed as is_hidden,
        age_sex_cells.is_structural_zero as is_known
    from age_sex_cells
    inner join service_sets
        on age_sex_cells.service_key = service_sets.service_key
),

first_contact_cells as (
    select
        'time_to_first_contact: strata' as link,
        group_key as set_key,
        'persons_with_contact' as measure,
        is_group_total as is_total,
        cast(persons_with_contact as double) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from time_to_first_contact
    union all
    -- The sum of months adds up too: mean x persons.
    select
        'time_to_first_contact: strata' as link,
        group_key as set_key,
        'months_to_first_contact_sum' as measure,
        is_group_total as is_total,
        round(mean_months_to_first_contact * persons_with_contact) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from time_to_first_contact
),

-- Per curve x group x month, the group curve over its strata (the basis of the complementary pass: persons at
-- risk; the hidden strata's first contacts are not protected as a sum, see the mart's doc block).
survival_cells as (
    select
        'time_to_first_contact_survival: strata per month' as link,
        first_contact_service || ' ' || group_key || ' ' || months_since_settlement as set_key,
        'persons_at_risk' as measure,
        is_group_total as is_total,
        cast(persons_at_risk as double) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from time_to_first_contact_survival
),

-- ------------------------------------------------------------------- annual_rates over age_sex_rates
strata_contacts_cells as (
    select
        'annual_rates over age_sex_rates' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        true as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from annual_rates
    union all
    select
        'annual_rates over age_sex_rates' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        false as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden,
        is_structural_zero as is_known
    from age_sex_cells
),

-- A group's persons followed and person-months are on each of its service rows, a stratum's on each of
-- the stratum's: a reader takes them from any row that shows them.
group_follow_up as (
    select
        group_key,
        max(persons_followed) as persons_followed,
        max(person_months) as person_months
    from annual_rates
    group by group_key
),

stratum_follow_up as (
    select
        group_key,
        sex,
        age_group,
        max(persons_followed) as persons_followed,
        max(person_months) as person_months
    from age_sex_rates
    group by group_key, sex, age_group
),

strata_follow_up_cells as (
    select
        'annual_rates over age_sex_rates' as link,
        group_key as set_key,
        'persons_followed' as measure,
        true as is_total,
        cast(persons_followed as double) as published_value,
        persons_followed is null as is_hidden,
        false as is_known
    from group_follow_up
    union all
    select
        'annual_rates over age_sex_rates' as link,
        group_key as set_key,
        'persons_followed' as measure,
        false as is_total,
        cast(persons_followed as double) as published_value,
        persons_followed is null as is_hidden,
        false as is_known
    from stratum_follow_up
    union all
    select
        'annual_rates over age_sex_rates' as link,
        group_key as set_key,
        'person_months' as measure,
        true as is_total,
        cast(person_months as double) as published_value,
        person_months is null as is_hidden,
        false as is_known
    from group_follow_up
    union all
    select
        'annual_rates over age_sex_rates' as link,
        group_key as set_key,
        'person_months' as measure,
        false as is_total,
        cast(person_months as double) as published_value,
        person_months is null as is_hidden,
        false as is_known
    from stratum_follow_up
),

-- ----------------------------------------------- refugee_health_service_comparison over municipality_rates
pooled_municipality_contacts_cells as (
    select
        'refugee_health_service_comparison over municipality_rates' as link,
        cast(has_refugee_health_service as string) || ' ' || group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        true as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from refugee_health_service_comparison
    union all
    select
        'refugee_health_service_comparison over municipality_rates' as link,
        cast(has_refugee_health_service as string) || ' ' || group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        false as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from municipality_rates
    where has_refugee_health_service is not null
),

pooled_persons as (
    select
        has_refugee_health_service,
        group_key,
        max(persons) as persons,
        max(person_months) as person_months
    from refugee_health_service_comparison
    group by has_refugee_health_service, group_key
),

municipality_persons as (
    select
        municipality_code,
        has_refugee_health_service,
        group_key,
        max(persons) as persons,
        max(person_months) as person_months
    from municipality_rates
    group by municipality_code, has_refugee_health_service, group_key
),

pooled_municipality_persons_cells as (
    select
        'refugee_health_service_comparison over municipality_rates' as link,
        cast(has_refugee_health_service as string) || ' ' || group_key as set_key,
        'persons' as measure,
        true as is_total,
        cast(persons as double) as published_value,
        persons is null as is_hidden,
        false as is_known
    from pooled_persons
    union all
    select
        'refugee_health_service_comparison over municipality_rates' as link,
        cast(has_refugee_health_service as string) || ' ' || group_key as set_key,
        'persons' as measure,
        false as is_total,
        cast(persons as double) as published_value,
        persons is null as is_hidden,
        false as is_known
    from municipality_persons
    where has_refugee_health_service is not null
    union all
    select
        'refugee_health_service_comparison over municipality_rates' as link,
        cast(has_refugee_health_service as string) || ' ' || group_key as set_key,
        'person_months' as measure,
        true as is_total,
        cast(person_months as double) as published_value,
        person_months is null as is_hidden,
        false as is_known
    from pooled_persons
    union all
    select
        'refugee_health_service_comparison over municipality_rates' as link,
        cast(has_refugee_health_service as string) || ' ' || group_key as set_key,
        'person_months' as measure,
        false as is_total,
        cast(person_months as double) as published_value,
        person_months is null as is_hidden,
        false as is_known
    from municipality_persons
    where has_refugee_health_service is not null
),

-- ------------------------------------ group totals over the pooled rows and the unlisted municipalities
-- Open sets: persons settled outside the listed municipalities (fewer settled Ukrainian refugees than the
-- threshold) are in the group's total but in no published row.
recent_groups as (
    select distinct group_key from municipality_rates
),

municipality_services as (
    select distinct service_key from municipality_rates
),

group_municipality_cells as (
    select
        'group totals over municipalities (open)' as link,
        contacts_by_group.group_key || ' ' || contacts_by_group.service_key as set_key,
        'contacts' as measure,
        true as is_total,
        cast(contacts_by_group.contacts as double) as published_value,
        contacts_by_group.is_suppressed as is_hidden,
        false as is_known
    from contacts_by_group
    inner join recent_groups
        on contacts_by_group.group_key = recent_groups.group_key
    inner join municipality_services
        on contacts_by_group.service_key = municipality_services.service_key
    union all
    select
        'group totals over municipalities (open)' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        false as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from refugee_health_service_comparison
    union all
    select
        'group totals over municipalities (open)' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        false as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden,
        false as is_known
    from municipality_rates
    where has_refugee_health_service is null
    union all
    select
        'group totals over municipalities (open)' as link,
        population_by_group.group_key as set_key,
        'persons' as measure,
        true as is_total,
        cast(population_by_group.persons as double) as published_value,
        population_by_group.persons is null as is_hidden,
        false as is_known
    from population_by_group
    inner join recent_groups
        on population_by_group.group_key = recent_groups.group_key
    union all
    select
        'group totals over municipalities (open)' as link,
        group_key as set_key,
        'persons' as measure,
        false as is_total,
        cast(persons as double) as published_value,
        persons is null as is_hidden,
        false as is_known
    from pooled_persons
    union all
    select
        'group totals over municipalities (open)' as link,
        group_key as set_key,
        'persons' as measure,
        false as is_total,
        cast(persons as double) as published_value,
        persons is null as is_hidden,
        false as is_known
    from municipality_persons
    where has_refugee_health_service is null
),

-- ------------------------------------------- municipality_traffic_light: counties, national totals
-- A municipality hidden here whose contacts municipality_rates publishes is known: it adds that value.
traffic_light_cells as (
    select
        municipality_traffic_light.*,
        coalesce(
            cast(municipality_traffic_light.observed_contacts as double), cast(municipality_rates.contacts as double)
        ) as known_value
    from municipality_traffic_light
    left join municipality_rates
        on
            municipality_traffic_light.area_level = 'municipality'
            and municipality_traffic_light.area_code = municipality_rates.municipality_code
            and municipality_traffic_light.group_key = municipality_rates.group_key
            and municipality_traffic_light.service_key = municipality_rates.service_key
),

traffic_light_unknown as (
    select distinct
        group_key,
        service_key
    from traffic_light_unsuppressed
    where area_level = 'unknown'
),

traffic_light_services as (
    select distinct
        group_key,
        service_key
    from municipality_traffic_light
),

-- The group's national contacts with whether persons without a known municipality make the set open.
traffic_light_national_totals as (
    select
        contacts_by_group.group_key,
        contacts_by_group.service_key,
        cast(contacts_by_group.contacts as double) as published_value,
        contacts_by_group.is_suppressed as is_hidden,
        traffic_light_unknown.group_key is not null as is_open
    from contacts_by_group
    inner join traffic_light_services
        on
            contacts_by_group.group_key = traffic_light_services.group_key
            and contacts_by_group.service_key = traffic_light_services.service_key
    left join traffic_light_unknown
        on
            contacts_by_group.group_key = traffic_light_unknown.group_key
            and contacts_by_group.service_key = traffic_light_unknown.service_key
),

-- The national total over every municipality, and over Vedlegg 4's pools plus the municipalities in none.
traffic_light_municipality_parts as (
    select
        traffic_light_cells.group_key,
        traffic_light_cells.service_key,
        traffic_light_cells.known_value,
        municipality_rates.has_refugee_health_service is not null as is_pooled
    from traffic_light_cells
    left join municipality_rates
        on
            traffic_light_cells.area_code = municipality_rates.municipality_code
            and traffic_light_cells.group_key = municipality_rates.group_key
            and traffic_light_cells.service_key = municipality_rates.service_key
    where traffic_light_cells.area_level = 'municipality'
),

pool_services as (
    select distinct
        group_key,
        service_key
    from refugee_health_service_comparison
),

traffic_light_national_cells as (
    select
        'municipality_traffic_light: national total over municipalities' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        true as is_total,
        published_value,
        is_hidden,
        false as is_known,
        is_open
    from traffic_light_national_totals
    union all
    select
        'municipality_traffic_light: national total over municipalities' as link,
        traffic_light_municipality_parts.group_key || ' ' || traffic_light_municipality_parts.service_key
            as set_key,
        'contacts' as measure,
        false as is_total,
        traffic_light_municipality_parts.known_value as published_value,
        traffic_light_municipality_parts.known_value is null as is_hidden,
        false as is_known,
        traffic_light_national_totals.is_open
    from traffic_light_municipality_parts
    inner join traffic_light_national_totals
        on
            traffic_light_municipality_parts.group_key = traffic_light_national_totals.group_key
            and traffic_light_municipality_parts.service_key = traffic_light_national_totals.service_key
    union all
    select
        'municipality_traffic_light: national total over pools and the other municipalities' as link,
        traffic_light_national_totals.group_key || ' ' || traffic_light_national_totals.service_key as set_key,
        'contacts' as measure,
        true as is_total,
        traffic_light_national_totals.published_value,
        traffic_light_national_totals.is_hidden,
        false as is_known,
        traffic_light_national_totals.is_open
    from traffic_light_national_totals
    inner join pool_services
        on
            traffic_light_national_totals.group_key = pool_services.group_key
            and traffic_light_national_totals.service_key = pool_services.service_key
    union all
    select
        'municipality_traffic_light: national total over pools and the other municipalities' as link,
        refugee_health_service_comparison.group_key || ' ' || refugee_health_service_comparison.service_key
            as set_key,
        'contacts' as measure,
        false as is_total,
        cast(refugee_health_service_comparison.contacts as double) as published_value,
        refugee_health_service_comparison.is_suppressed as is_hidden,
        false as is_known,
        traffic_light_national_totals.is_open
    from refugee_health_service_comparison
    inner join traffic_light_national_totals
        on
            refugee_health_service_comparison.group_key = traffic_light_national_totals.group_key
            and refugee_health_service_comparison.service_key = traffic_light_national_totals.service_key
    union all
    select
        'municipality_traffic_light: national total over pools and the other municipalities' as link,
        traffic_light_municipality_parts.group_key || ' ' || traffic_light_municipality_parts.service_key
            as set_key,
        'contacts' as measure,
        false as is_total,
        traffic_light_municipality_parts.known_value as published_value,
        traffic_light_municipality_parts.known_value is null as is_hidden,
        false as is_known,
        traffic_light_national_totals.is_open
    from traffic_light_municipality_parts
    inner join traffic_light_national_totals
        on
            traffic_light_municipality_parts.group_key = traffic_light_national_totals.group_key
            and traffic_light_municipality_parts.service_key = traffic_light_national_totals.service_key
    inner join pool_services
        on
            traffic_light_municipality_parts.group_key = pool_services.group_key
            and traffic_light_municipality_parts.service_key = pool_services.service_key
    where not traffic_light_municipality_parts.is_pooled
),

traffic_light_set_cells as (
    select
        'municipality_traffic_light: county over municipalities' as link,
        group_key || ' ' || service_key || ' ' || county_code as set_key,
        'contacts' as measure,
        area_level = 'county' as is_total,
        known_value as published_value,
        known_value is null as is_hidden,
        false as is_known,
        false as is_open
    from traffic_light_cells
    union all
    select
        'municipality_traffic_light: national total over counties' as link,
        contacts_by_group.group_key || ' ' || contacts_by_group.service_key as set_key,
        'contacts' as measure,
        true as is_total,
        cast(contacts_by_group.contacts as double) as published_value,
        contacts_by_group.is_suppressed as is_hidden,
        false as is_known,
        traffic_light_unknown.group_key is not null as is_open
    from contacts_by_group
    inner join traffic_light_services
        on
            contacts_by_group.group_key = traffic_light_services.group_key
            and contacts_by_group.service_key = traffic_light_services.service_key
    left join traffic_light_unknown
        on
            contacts_by_group.group_key = traffic_light_unknown.group_key
            and contacts_by_group.service_key = traffic_light_unknown.service_key
    union all
    select
        'municipality_traffic_light: national total over counties' as link,
        traffic_light_cells.group_key || ' ' || traffic_light_cells.service_key as set_key,
        'contacts' as measure,
        false as is_total,
        traffic_light_cells.known_value as published_value,
        traffic_light_cells.known_value is null as is_hidden,
        false as is_known,
        traffic_light_unknown.group_key is not null as is_open
    from traffic_light_cells
    left join traffic_light_unknown
        on
            traffic_light_cells.group_key = traffic_light_unknown.group_key
            and traffic_light_cells.service_key = traffic_light_unknown.service_key
    where traffic_light_cells.area_level = 'county'
),

-- ------------------------------------------------------------------------------------------ evaluation
cells as (
    select * from traffic_light_set_cells
    union all
    select * from traffic_light_national_cells
    union all
    select
        *,
        false as is_open
    from service_cells
    union all
    select
        *,
        false as is_open
    from age_sex_service_cells
    union all
    select
        *,
        false as is_open
    from first_contact_cells
    union all
    select
        *,
        false as is_open
    from survival_cells
    union all
    select
        *,
        false as is_open
    from strata_contacts_cells
    union all
    select
        *,
        false as is_open
    from strata_follow_up_cells
    union all
    select
        *,
        false as is_open
    from pooled_municipality_contacts_cells
    union all
    select
        *,
        false as is_open
    from pooled_municipality_persons_cells
    union all
    select
        *,
        true as is_open
    from group_municipality_cells
),

sets as (
    select
        link,
        set_key,
        measure,
        bool_or(is_open) as is_open,
        -- Counts: a sum of 0..threshold over hidden parts discloses; person-months and months are not counts.
        measure not in ('person_months', 'months_to_first_contact_sum') as is_count,
        coalesce(bool_or(is_total and not is_hidden), false) as is_total_published,
        coalesce(bool_or(is_total and is_hidden), false) as is_total_hidden,
        max(case when is_total then published_value end) as published_total,
        -- A known cell adds its value (0) whether shown or hidden; absent parts add nothing.
        sum(case when not is_total and not is_hidden then published_value else 0 end) as published_parts,
        count(*) filter (where not is_total and is_hidden and not is_known) as hidden_parts
    from cells
    group by link, set_key, measure
),

assessed as (
    select
        *,
        published_total - published_parts as recoverable_remainder,
        -- Counts are whole numbers; person-months are sums of values rounded to 10 decimals.
        abs(published_total - published_parts) > 0.000001 as has_remainder
    from sets
),

final as (
    select *
    from assessed
    where
        (
            is_total_published and not is_open
            and (
                (hidden_parts = 0 and has_remainder)
                or hidden_parts = 1
                or (hidden_parts >= 2 and is_count and recoverable_remainder <= {{ threshold }})
            )
        )
        or (
            is_total_published and is_open and is_count
            and recoverable_remainder <= {{ threshold }}
            and (hidden_parts >= 1 or has_remainder)
        )
        or (is_total_hidden and not is_open and hidden_parts = 0)
),

-- ---------------------------------------------------------------- the same numbers in two marts
same_cells as (
    select
        'contacts_by_group and annual_rates: contacts' as link,
        contacts_by_group.group_key || ' ' || contacts_by_group.service_key as set_key,
        contacts_by_group.is_suppressed as is_hidden_in_one,
        annual_rates.is_suppressed as is_hidden_in_other,
        cast(contacts_by_group.contacts as double) as value_in_one,
        cast(annual_rates.contacts as double) as value_in_other
    from contacts_by_group
    inner join annual_rates
        on
            contacts_by_group.group_key = annual_rates.group_key
            and contacts_by_group.service_key = annual_rates.service_key
    union all
    select distinct
        'population_by_group and contacts_by_group: persons' as link,
        population_by_group.group_key as set_key,
        population_by_group.persons is null as is_hidden_in_one,
        contacts_by_group.persons is null as is_hidden_in_other,
        cast(population_by_group.persons as double) as value_in_one,
        cast(contacts_by_group.persons as double) as value_in_other
    from population_by_group
    inner join contacts_by_group
        on population_by_group.group_key = contacts_by_group.group_key
),

-- municipality_traffic_light may hide more than municipality_rates (its own sets), never less.
traffic_light_same_cells as (
    select
        'municipality_rates and municipality_traffic_light: contacts' as link,
        municipality_rates.municipality_code || ' ' || municipality_rates.group_key || ' '
        || municipality_rates.service_key as set_key,
        municipality_rates.is_suppressed as is_hidden_in_one,
        municipality_traffic_light.is_suppressed as is_hidden_in_other,
        cast(municipality_rates.contacts as double) as value_in_one,
        cast(municipality_traffic_light.observed_contacts as double) as value_in_other
    from municipality_rates
    inner join municipality_traffic_light
        on
            municipality_traffic_light.area_level = 'municipality'
            and municipality_rates.municipality_code = municipality_traffic_light.area_code
            and municipality_rates.group_key = municipality_traffic_light.group_key
            and municipality_rates.service_key = municipality_traffic_light.service_key
    where
        (municipality_rates.is_suppressed and not municipality_traffic_light.is_suppressed)
        or municipality_rates.contacts <> municipality_traffic_light.observed_contacts
),

same_cell_failures as (
    select
        link,
        set_key,
        'same number' as measure,
        false as is_open,
        true as is_count,
        not is_hidden_in_one as is_total_published,
        is_hidden_in_one as is_total_hidden,
        value_in_one as published_total,
        value_in_other as published_parts,
        case when is_hidden_in_other then 1 else 0 end as hidden_parts,
        value_in_one - value_in_other as recoverable_remainder,
        true as has_remainder
    from same_cells
    where is_hidden_in_one <> is_hidden_in_other or value_in_one <> value_in_other
    union all
    select
        link,
        set_key,
        'same number' as measure,
        false as is_open,
        true as is_count,
        not is_hidden_in_one as is_total_published,
        is_hidden_in_one as is_total_hidden,
        value_in_one as published_total,
        value_in_other as published_parts,
        case when is_hidden_in_other then 1 else 0 end as hidden_parts,
        value_in_one - value_in_other as recoverable_remainder,
        true as has_remainder
    from traffic_light_same_cells
)

select * from final
union all
select * from same_cell_failures
