{#- Vedlegg 4 / Figure V1 for BI: the municipality-table rates pooled over municipalities with and without
    their own refugee health service, per recent group and service. -#}
with

comparison as (
    select * from {{ ref('int_unsuppressed__refugee_health_service_comparison') }}
),

flagged as (
    select
        *,
        {{ is_suppressed('least(persons, contacts)') }} as is_suppressed
    from comparison
),

final as (
    select
        has_refugee_health_service,
        group_key,
        service_key,
        municipalities,
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
