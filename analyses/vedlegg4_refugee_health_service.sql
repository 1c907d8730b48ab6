-- Vedlegg 4 / Figure V1: GP and out-of-hours rates in municipalities with and without a refugee health
-- service.
with

refugee_health_service_comparison as (
    select * from {{ ref('refugee_health_service_comparison') }}
),

final as (
    select
        service_key,
        group_key,
        has_refugee_health_service,
        municipalities,
        persons,
        is_suppressed,
        round(rate_annual, 2) as rate_annual,
        round(rate_ci_lower_annual, 2) as rate_ci_lower_annual,
        round(rate_ci_upper_annual, 2) as rate_ci_upper_annual
    from refugee_health_service_comparison
    order by service_key, group_key, has_refugee_health_service
)

select * from final
