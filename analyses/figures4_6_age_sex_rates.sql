-- Figures 4-6: follow-up-adjusted annual contacts per person by sex and age group, GP, out-of-hours and
-- somatic specialist care.
with

age_sex_rates as (
    select * from {{ ref('age_sex_rates') }}
),

final as (
    select
        service_key,
        sex,
        age_group,
        group_key,
        is_suppressed,
        round(rate_annual, 1) as rate_annual,
        round(rate_ci_lower_annual, 1) as rate_ci_lower_annual,
        round(rate_ci_upper_annual, 1) as rate_ci_upper_annual
    from age_sex_rates
    where {{ is_one_of("service_key", var('age_sex_figure_services')) }}
    order by service_key, sex, age_group_sort_order, group_key
)

select * from final
