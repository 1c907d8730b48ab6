{#- Tables V2/V3 for BI: per municipality with enough settled Ukrainian refugees, per recent group and
    service (GP, out-of-hours): persons, contacts, person-months and the follow-up-adjusted annual rate
    with its Garwood CI; the refugee-health-service flag. Cells resting on 5 or fewer are hidden. -#}
with

municipality_rates as (
    select * from {{ ref('int_unsuppressed__municipality_rates') }}
),

flagged as (
    select
        *,
        {{ is_suppressed('least(persons, contacts)') }} as is_suppressed
    from municipality_rates
),

final as (
    select
        municipality_code,
        municipality_name,
        county_name,
        has_refugee_health_service,
        group_key,
        service_key,
        {{ suppress_small_cells('persons', 'persons') }} as persons,
        case when not is_suppressed then contacts end as contacts,
        case when not is_suppressed then person_months end as person_months,
        case when not is_suppressed then rate_annual end as rate_annual,
        case when not is_suppressed then rate_ci_lower_annual end as rate_ci_lower_annual,
        case when not is_suppressed then rate_ci_upper_annual end as rate_ci_upper_annual,
        is_suppressed
    from flagged
)

select * from final
