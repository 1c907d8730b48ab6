with

base_persons as (
    select * from {{ ref('base_ssb__persons') }}
),

final as (
    select
        person_id,
        sex,
        birth_year,
        birth_month,
        birth_date,
        country_of_birth_code,
        igrus2_code,
        is_refugee,
        immigration_reason_code,
        settlement_date,
        settlement_municipality_code,
        status_2022_code,
        status_2023_code,
        status_2024_code,
        death_date,
        emigration_date,
        source_row_number
    from base_persons
    where rejection_reason is null
)

select * from final
