-- Municipality and county traffic light (issue 14, item 3): per area, recent group and service, observed
-- and expected contacts (national rates of the group by sex x age group x month since settlement), the
-- standardised ratio O / E with its exact Poisson 95 % CI and the class ("-" = suppressed).
with

municipality_traffic_light as (
    select * from {{ ref('municipality_traffic_light') }}
),

final as (
    select
        area_level,
        county_name,
        area_code,
        area_name,
        group_key,
        service_key,
        observed_contacts,
        round(expected_contacts, 1) as expected_contacts,
        round(standardised_ratio, 2) as standardised_ratio,
        round(standardised_ratio_ci_lower, 2) as ci_lower,
        round(standardised_ratio_ci_upper, 2) as ci_upper,
        comparison_class,
        is_suppressed
    from municipality_traffic_light
    order by area_level desc, service_key asc, group_key asc, standardised_ratio desc nulls last, area_code asc
)

select * from final
