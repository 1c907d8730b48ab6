with

persons_followed as (
    select * from {{ ref('int_persons_followed') }}
),

final as (
    select
        person_id,
        group_key,
        is_recent_refugee,
        sex,
        birth_date,
        birth_year,
        birth_month,
        age_at_settlement,
        age_in_report_year,
        report_age,
        age_group,
        country_of_birth_code,
        igrus2_code,
        immigration_reason_code,
        settlement_date,
        settlement_municipality_code,
        death_date,
        emigration_date,
        follow_up_start_date,
        follow_up_end_date,
        -- Exact follow-up in months: per calendar month, followed days / days in the month, summed.
        {{ exact_months_between('follow_up_start_date', 'follow_up_end_date') }} as follow_up_months
    from persons_followed
    where is_in_study_population
)

select * from final
