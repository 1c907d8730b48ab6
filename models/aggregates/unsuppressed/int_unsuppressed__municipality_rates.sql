{#- Tables V2/V3 before disclosure control: per settlement municipality with at least the var
    municipality_min_settled_ukrainian_refugees settled Ukrainian refugees, per recent group and service
    (GP, out-of-hours): persons, contacts, person-months and the follow-up-adjusted annual rate with its
    Garwood CI. A table: gamma_quantile is a Python UDF. -#}
{{ config(materialized='table') }}
{%- set services = var('municipality_rate_services') -%}
{%- set event_columns = [] -%}
{%- for service_key in services -%}
    {%- do event_columns.append(service_key ~ '_events') -%}
{%- endfor -%}

with

person_totals as (
    select * from {{ ref('int_recent_refugee_person_totals') }}
),

municipalities as (
    select * from {{ ref('municipalities_2024') }}
),

refugee_health_service_municipalities as (
    select * from {{ ref('refugee_health_service_municipalities') }}
),

settled_ukrainian_refugees as (
    select
        settlement_municipality_code as municipality_code,
        count(*) as settled_ukrainian_refugees
    from person_totals
    where group_key = 'ukraine_recent'
    group by settlement_municipality_code
),

selected_municipalities as (
    select
        municipality_code,
        settled_ukrainian_refugees
    from settled_ukrainian_refugees
    where settled_ukrainian_refugees >= {{ var('municipality_min_settled_ukrainian_refugees') }}
),

person_service_events as (
    select
        settlement_municipality_code as municipality_code,
        group_key,
        person_months,
        {{ unpivoted(services, event_columns, 'service_key', 'events') }}
    from person_totals
),

municipality_service_totals as (
    select
        municipality_code,
        group_key,
        service_key,
        cast(sum(events) as bigint) as contacts,
        count(*) as persons,
        sum(person_months) as person_months
    from person_service_events
    group by municipality_code, group_key, service_key
),

selected_totals as (
    select
        selected_municipalities.municipality_code,
        municipalities.municipality_name,
        municipalities.county_name,
        selected_municipalities.settled_ukrainian_refugees,
        refugee_health_service_municipalities.has_refugee_health_service,
        municipality_service_totals.group_key,
        municipality_service_totals.service_key,
        municipality_service_totals.persons,
        municipality_service_totals.contacts,
        municipality_service_totals.person_months
    from selected_municipalities
    inner join municipality_service_totals
        on selected_municipalities.municipality_code = municipality_service_totals.municipality_code
    left join municipalities
        on selected_municipalities.municipality_code = municipalities.municipality_code
    left join refugee_health_service_municipalities
        on selected_municipalities.municipality_code = refugee_health_service_municipalities.municipality_code
),

final as (
    select
        municipality_code,
        municipality_name,
        county_name,
        settled_ukrainian_refugees,
        has_refugee_health_service,
        group_key,
        service_key,
        persons,
        contacts,
        round(person_months, 10) as person_months,
        {{ round_significant(annualised_rate('contacts', 'person_months')) }} as rate_annual,
        {{ round_significant(annualised_rate(poisson_ci_lower('contacts'), 'person_months')) }}
            as rate_ci_lower_annual,
        {{ round_significant(annualised_rate(poisson_ci_upper('contacts'), 'person_months')) }}
            as rate_ci_upper_annual
    from selected_totals
)

select * from final
