{#- Municipality and county traffic light for BI (issue 14, item 3): observed against expected contacts
    (indirect standardisation on the national rates of the group by sex x age group x month since
    settlement), their ratio with the exact Poisson CI and the class higher / lower / not different.
    Hidden where the observed or the expected contacts are 5 or fewer, and further cells wherever a
    published total (the county row, the group's national total in contacts_by_group) or Tables V2/V3
    would give a hidden one back (doc blocks marts__municipality_traffic_light and
    marts__traffic_light_disclosure_control). -#}
with

areas as (
    select * from {{ ref('int_unsuppressed__municipality_traffic_light') }}
),

-- Tables V2/V3 publish the same contacts (GP, out-of-hours) for the municipalities they select: what
-- they hide stays hidden here, what they show is known to every reader.
municipality_rates as (
    select * from {{ ref('municipality_rates') }}
),

-- The group's national contacts (Table 2): the total of the national sets.
contacts_by_group as (
    select * from {{ ref('contacts_by_group') }}
),

-- Vedlegg 4's pools of the Tables V2/V3 municipalities with and without a refugee health service: their
-- totals stand for their municipalities in a national set (state from the mart, basis from before it).
pools as (
    select * from {{ ref('refugee_health_service_comparison') }}
),

pools_unsuppressed as (
    select * from {{ ref('int_unsuppressed__refugee_health_service_comparison') }}
),

-- Four kinds of additive sets, the national total always with the persons without a known settlement
-- municipality (never published) as one more part: a county's row over its municipalities; the national
-- total over the counties; over all municipalities; and over Vedlegg 4's two pools and the municipalities
-- in neither (the pooled ones are in the pool's total). A county set is
-- written as "county row - its municipalities = 0": the county row is one more part of the set, under a
-- zero total every reader knows, so that it can be hidden too where its other municipalities are
-- published in municipality_rates and cannot protect a hidden one. It is the largest part, hidden last.
area_cells as (
    select
        areas.area_level,
        areas.area_code,
        areas.group_key,
        areas.service_key,
        areas.observed_contacts,
        case when areas.area_level in ('municipality', 'county') then areas.county_code end as county_set_key,
        false as is_county_total,
        case when areas.area_level in ('county', 'unknown', 'country') then 'country' end as national_set_key,
        areas.area_level = 'country' as is_national_total,
        case when areas.area_level in ('municipality', 'unknown', 'country') then 'country' end
            as municipalities_set_key,
        case
            when areas.area_level in ('unknown', 'country') then 'country'
            when areas.area_level = 'municipality' and municipality_rates.has_refugee_health_service is null
                then 'country'
        end as pools_set_key,
        {{ is_suppressed('least(areas.observed_contacts, areas.expected_contacts)') }}
        and areas.area_level in ('municipality', 'county') as is_primary_suppressed,
        case
            when areas.area_level = 'country' then coalesce(contacts_by_group.is_suppressed, true)
            when areas.area_level = 'unknown' then true
            else
                {{ is_suppressed('least(areas.observed_contacts, areas.expected_contacts)') }}
                or coalesce(municipality_rates.is_suppressed, false)
        end as is_hidden,
        -- An unpublished remainder of more than the threshold protects others but needs no protection.
        areas.area_level != 'unknown'
        or {{ is_suppressed('least(areas.observed_contacts, areas.expected_contacts)') }} as is_protectable,
        coalesce(not municipality_rates.is_suppressed, false) as is_published_elsewhere
    from areas
    left join municipality_rates
        on
            areas.area_level = 'municipality'
            and areas.area_code = municipality_rates.municipality_code
            and areas.group_key = municipality_rates.group_key
            and areas.service_key = municipality_rates.service_key
    left join contacts_by_group
        on
            areas.area_level = 'country'
            and areas.group_key = contacts_by_group.group_key
            and areas.service_key = contacts_by_group.service_key
),

county_set_totals as (
    select
        'county_set_total' as area_level,
        area_code,
        group_key,
        service_key,
        cast(0 as bigint) as observed_contacts,
        county_set_key,
        true as is_county_total,
        null as national_set_key,
        false as is_national_total,
        null as municipalities_set_key,
        null as pools_set_key,
        false as is_primary_suppressed,
        false as is_hidden,
        false as is_protectable,
        false as is_published_elsewhere
    from area_cells
    where area_level = 'county'
),

-- A published pool is known; a hidden one protects others (its own parts are municipality_rates' care).
pool_cells as (
    select
        'pool' as area_level,
        cast(pools.has_refugee_health_service as {{ dbt.type_string() }}) as area_code,
        pools.group_key,
        pools.service_key,
        pools_unsuppressed.contacts as observed_contacts,
        null as county_set_key,
        false as is_county_total,
        null as national_set_key,
        false as is_national_total,
        null as municipalities_set_key,
        'country' as pools_set_key,
        false as is_primary_suppressed,
        pools.is_suppressed as is_hidden,
        false as is_protectable,
        not pools.is_suppressed as is_published_elsewhere
    from pools
    inner join pools_unsuppressed
        on
            pools.has_refugee_health_service = pools_unsuppressed.has_refugee_health_service
            and pools.group_key = pools_unsuppressed.group_key
            and pools.service_key = pools_unsuppressed.service_key
),

cells as (
    select * from area_cells
    union all
    select * from county_set_totals
    union all
    select * from pool_cells
),

suppressed as (
    {{ iterated_complementary_suppression(
        'cells',
        sets=[
            {'set_by': ['group_key', 'service_key', 'county_set_key'], 'is_total_column': 'is_county_total'},
            {'set_by': ['group_key', 'service_key', 'national_set_key'], 'is_total_column': 'is_national_total'},
            {'set_by': ['group_key', 'service_key', 'municipalities_set_key'], 'is_total_column': 'is_national_total'},
            {'set_by': ['group_key', 'service_key', 'pools_set_key'], 'is_total_column': 'is_national_total'}
        ],
        basis='observed_contacts', order_by='area_code', hidden='is_hidden',
        protected='is_hidden and is_protectable', known='is_published_elsewhere'
    ) }}
),

flagged as (
    select
        areas.*,
        suppressed.is_hidden as is_suppressed,
        suppressed.is_hidden and not suppressed.is_primary_suppressed as is_complementary_suppressed
    from areas
    inner join suppressed
        on
            areas.area_level = suppressed.area_level
            and areas.area_code = suppressed.area_code
            and areas.group_key = suppressed.group_key
            and areas.service_key = suppressed.service_key
    where areas.area_level in ('municipality', 'county')
),

final as (
    select
        area_level,
        area_code,
        area_name,
        county_code,
        county_name,
        group_key,
        service_key,
        case when not is_suppressed then observed_contacts end as observed_contacts,
        case when not is_suppressed then expected_contacts end as expected_contacts,
        case when not is_suppressed then standardised_ratio end as standardised_ratio,
        case when not is_suppressed then standardised_ratio_ci_lower end as standardised_ratio_ci_lower,
        case when not is_suppressed then standardised_ratio_ci_upper end as standardised_ratio_ci_upper,
        case when not is_suppressed then comparison_class end as comparison_class,
        is_suppressed,
        is_complementary_suppressed
    from flagged
)

select * from final
