-- Tables V2 (GP) and V3 (out-of-hours): per municipality with enough settled Ukrainian refugees and per
-- recent group, persons, contacts and adjusted annual contacts per person ("-" = suppressed).
with

municipality_rates as (
    select * from {{ ref('municipality_rates') }}
),

final as (
    select
        service_key,
        county_name,
        municipality_code,
        municipality_name,
        group_key,
        persons,
        contacts,
        is_suppressed,
        round(rate_annual, 1) as adjusted_contacts_per_person_year
    from municipality_rates
    order by service_key, municipality_code, group_key
)

select * from final
