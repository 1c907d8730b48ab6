{#- Table 1 before disclosure control: per group, persons and their make-up, plus the follow-up that
    Table 2 reports. -#}
with

persons as (
    select * from {{ ref('dim_persons') }}
),

group_totals as (
    select
        group_key,
        count(*) as persons,
        count(*) filter (where sex = 'male') as male_persons,
        count(*) filter (where report_age < {{ var('table1_under_age') }}) as persons_under_18,
        count(*) filter (where report_age >= {{ var('table1_over_age') }}) as persons_65_and_over,
        count(*) filter (where follow_up_months > 0) as persons_followed,
        -- Years since settlement is defined for refugees only (Table 1 leaves the general population blank).
        count(settlement_date) filter (
            where {{ is_one_of("igrus2_code", var('refugee_igrus2_codes')) }}
        ) as persons_with_settlement_date,
        avg(report_age) as mean_age_years,
        avg({{ var('years_since_settlement_reference_year') }} - year(settlement_date)) filter (
            where {{ is_one_of("igrus2_code", var('refugee_igrus2_codes')) }}
        ) as mean_years_since_settlement,
        sum(follow_up_months) as follow_up_months,
        avg(follow_up_months) as mean_follow_up_months
    from persons
    group by group_key
),

final as (
    select
        group_key,
        persons,
        male_persons,
        persons_under_18,
        persons_65_and_over,
        persons_followed,
        persons_with_settlement_date,
        mean_age_years,
        mean_years_since_settlement,
        follow_up_months,
        mean_follow_up_months,
        persons - male_persons as female_persons,
        cast(100 as double) * male_persons / persons as pct_male,
        cast(100 as double) * persons_under_18 / persons as pct_under_18,
        cast(100 as double) * persons_65_and_over / persons as pct_65_and_over
    from group_totals
)

select * from final
