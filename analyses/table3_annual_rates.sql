-- Table 3: follow-up-adjusted annual contacts per person with Garwood CI, and the age-sex standardised rate
-- with the Fay & Feuer CI, for the services of Table 3.
with

annual_rates as (
    select * from {{ ref('annual_rates') }}
),

final as (
    select
        service_key,
        group_key,
        is_fully_standardised,
        is_suppressed,
        round(rate_annual, 2) as rate_annual,
        round(rate_ci_lower_annual, 2) as rate_ci_lower_annual,
        round(rate_ci_upper_annual, 2) as rate_ci_upper_annual,
        round(dsr_annual, 2) as dsr_annual,
        round(dsr_ci_lower_annual, 2) as dsr_ci_lower_annual,
        round(dsr_ci_upper_annual, 2) as dsr_ci_upper_annual
    from annual_rates
    where {{ is_one_of("service_key", var('table3_services')) }}
    order by sort_order, group_key
)

select * from final
