{#- Table 1 for BI: per group, persons, % male, mean age, % under 18, % 65 and over, mean years since
    settlement, mean follow-up months; disclosure control in doc block marts__disclosure_control. -#}
with

population as (
    select * from {{ ref('int_unsuppressed__population_by_group') }}
),

final as (
    select
        group_key,
        {{ suppress_small_cells('persons', 'persons') }} as persons,
        {{ suppress_small_cells('round(pct_male, 10)', 'least(male_persons, female_persons)') }} as pct_male,
        {{ suppress_small_cells('round(mean_age_years, 10)', 'persons') }} as mean_age_years,
        {{ suppress_small_cells(
            'round(pct_under_18, 10)', 'least(persons_under_18, persons - persons_under_18)'
        ) }} as pct_under_18,
        {{ suppress_small_cells(
            'round(pct_65_and_over, 10)', 'least(persons_65_and_over, persons - persons_65_and_over)'
        ) }} as pct_65_and_over,
        case
            when persons_with_settlement_date > 0
                then {{ suppress_small_cells(
                    'round(mean_years_since_settlement, 10)', 'persons_with_settlement_date'
                ) }}
        end as mean_years_since_settlement,
        {{ suppress_small_cells('round(mean_follow_up_months, 10)', 'persons') }} as mean_follow_up_months,
        {{ is_suppressed('persons') }} as is_suppressed
    from population
)

select * from final
