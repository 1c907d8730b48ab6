{#- The traffic light before disclosure control (issue 14, item 3): per area (every municipality of the
    2024 structure, every county, the country and the persons without a known settlement municipality),
    recent group and service: observed contacts, the contacts expected at the national rates of the group
    by sex x age group x month since settlement (indirect standardisation), their ratio with the exact
    Poisson (Garwood) CI and the class. Doc block marts__municipality_traffic_light. A table:
    gamma_quantile is a Python UDF. -#}
{{ config(materialized='table') }}
{%- set services = var('traffic_light_services') -%}
{%- set combined = combined_services() -%}

with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

municipalities as (
    select * from {{ ref('municipalities_2024') }}
),

recent_persons as (
    select
        person_id,
        settlement_municipality_code
    from persons
    where is_recent_refugee
),

-- The one scan of fct_person_months: the recent groups' months (a few per cent of the rows at national
-- scale) aggregated once to settlement municipality x group x sex x age group x month since settlement.
-- The categorical columns become plain text on this small result.
stratum_category_totals as (
    select
        recent_persons.settlement_municipality_code as municipality_code,
        person_months.group_key,
        person_months.sex,
        person_months.age_group,
        person_months.months_since_settlement,
        {% for service_key in services -%}
            {%- if service_key in combined -%}
                cast(sum(
                    {%- for part in combined[service_key] -%}
                        person_months.{{ part }}_count{{ ' + ' if not loop.last }}
                    {%- endfor -%}
                ) as bigint)
            {%- else -%}
                cast(sum(person_months.{{ service_key }}_count) as bigint)
            {%- endif %} as {{ service_key }}_events,
        {% endfor -%}
        sum(person_months.person_months) as person_months
    from person_months
    inner join recent_persons
        on person_months.person_id = recent_persons.person_id
    where person_months.months_since_settlement is not null
    group by
        recent_persons.settlement_municipality_code,
        person_months.group_key,
        person_months.sex,
        person_months.age_group,
        person_months.months_since_settlement
),

-- Long format: one row per municipality x stratum x service. A settlement municipality that is not a
-- 2024 code of the seed counts as unknown (null), like a missing one.
municipality_strata as (
    select
        municipalities.municipality_code,
        cast(stratum_category_totals.group_key as {{ dbt.type_string() }}) as group_key,
        cast(stratum_category_totals.sex as {{ dbt.type_string() }}) as sex,
        cast(stratum_category_totals.age_group as {{ dbt.type_string() }}) as age_group,
        stratum_category_totals.months_since_settlement,
        stratum_category_totals.person_months,
        {%- set event_columns = [] %}
        {%- for service_key in services %}
            {%- do event_columns.append('stratum_category_totals.' ~ service_key ~ '_events') %}
        {%- endfor %}
        {{ unpivoted(services, event_columns, 'service_key', 'events') }}
    from stratum_category_totals
    left join municipalities
        on stratum_category_totals.municipality_code = municipalities.municipality_code
),

-- National rate of each stratum: all persons of the group, whatever their municipality.
national_strata as (
    select
        group_key,
        service_key,
        sex,
        age_group,
        months_since_settlement,
        sum(events) as national_events,
        sum(person_months) as national_person_months
    from municipality_strata
    group by group_key, service_key, sex, age_group, months_since_settlement
),

-- Expected contacts of a municipality's stratum: its person-months at the national rate. A stratum with
-- person-time always has national person-time, so the rate is defined wherever it is needed.
expected_strata as (
    select
        municipality_strata.municipality_code,
        municipality_strata.group_key,
        municipality_strata.service_key,
        municipality_strata.events,
        municipality_strata.person_months,
        municipality_strata.person_months * national_strata.national_events
        / nullif(national_strata.national_person_months, 0) as expected
    from municipality_strata
    inner join national_strata
        on
            municipality_strata.group_key = national_strata.group_key
            and municipality_strata.service_key = national_strata.service_key
            and municipality_strata.sex = national_strata.sex
            and municipality_strata.age_group = national_strata.age_group
            and municipality_strata.months_since_settlement = national_strata.months_since_settlement
),

municipality_totals as (
    select
        municipality_code,
        group_key,
        service_key,
        cast(sum(events) as bigint) as observed,
        coalesce(sum(expected), 0) as expected,
        sum(person_months) as person_months
    from expected_strata
    group by municipality_code, group_key, service_key
),

group_services as (
    select distinct
        group_key,
        service_key
    from municipality_totals
),

-- Denominator first: every municipality of the seed for every group and service, 0 where none settled.
municipality_spine as (
    select
        'municipality' as area_level,
        municipalities.municipality_code as area_code,
        municipalities.municipality_name as area_name,
        municipalities.county_code,
        municipalities.county_name,
        group_services.group_key,
        group_services.service_key,
        coalesce(municipality_totals.observed, 0) as observed,
        coalesce(municipality_totals.expected, 0) as expected,
        coalesce(municipality_totals.person_months, 0) as person_months
    from municipalities
    cross join group_services
    left join municipality_totals
        on
            municipalities.municipality_code = municipality_totals.municipality_code
            and group_services.group_key = municipality_totals.group_key
            and group_services.service_key = municipality_totals.service_key
),

county_totals as (
    select
        'county' as area_level,
        county_code as area_code,
        any_value(county_name) as area_name,
        county_code,
        any_value(county_name) as county_name,
        group_key,
        service_key,
        sum(observed) as observed,
        sum(expected) as expected,
        sum(person_months) as person_months
    from municipality_spine
    group by county_code, group_key, service_key
),

-- Persons without a known settlement municipality: in the national rates and totals, in no area's row.
unknown_totals as (
    select
        'unknown' as area_level,
        cast(null as {{ dbt.type_string() }}) as area_code,
        'settlement municipality unknown' as area_name,
        cast(null as {{ dbt.type_string() }}) as county_code,
        cast(null as {{ dbt.type_string() }}) as county_name,
        group_key,
        service_key,
        observed,
        expected,
        person_months
    from municipality_totals
    where municipality_code is null
),

country_totals as (
    select
        'country' as area_level,
        'NO' as area_code,
        'Norway' as area_name,
        cast(null as {{ dbt.type_string() }}) as county_code,
        cast(null as {{ dbt.type_string() }}) as county_name,
        group_key,
        service_key,
        sum(observed) as observed,
        sum(expected) as expected,
        sum(person_months) as person_months
    from municipality_totals
    group by group_key, service_key
),

areas as (
    select * from municipality_spine
    union all
    select * from county_totals
    union all
    select * from unknown_totals
    union all
    select * from country_totals
),

ratios as (
    select
        area_level,
        area_code,
        area_name,
        county_code,
        county_name,
        group_key,
        service_key,
        cast(observed as bigint) as observed_contacts,
        {{ round_significant('expected') }} as expected_contacts,
        round(person_months, 10) as person_months,
        {{ round_significant('observed / nullif(expected, 0)') }} as standardised_ratio,
        {{ round_significant(poisson_ci_lower('observed') ~ ' / nullif(expected, 0)') }}
            as standardised_ratio_ci_lower,
        {{ round_significant(poisson_ci_upper('observed') ~ ' / nullif(expected, 0)') }}
            as standardised_ratio_ci_upper
    from areas
),

final as (
    select
        *,
        case
            when standardised_ratio_ci_lower > 1 then 'higher'
            when standardised_ratio_ci_upper < 1 then 'lower'
            when standardised_ratio_ci_lower is not null then 'not different'
        end as comparison_class
    from ratios
)

select * from final
