-- Table 1: the study groups (persons, % male, mean age, % under 18, % 65+, years since settlement).
with

population_by_group as (
    select * from {{ ref('population_by_group') }}
),

final as (
    select
        group_key,
        persons,
        is_suppressed,
        round(pct_male, 1) as pct_male,
        round(mean_age_years, 1) as mean_age_years,
        round(pct_under_18, 1) as pct_under_18,
        round(pct_65_and_over, 1) as pct_65_and_over,
        round(mean_years_since_settlement, 1) as mean_years_since_settlement
    from population_by_group
)

select * from final
