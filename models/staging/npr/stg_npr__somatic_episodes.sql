with

base_episodes as (
    select * from {{ ref('base_npr__somatic_episodes') }}
),

final as (
    select
        episode_id,
        person_id,
        admission_date,
        discharge_date,
        care_level_code,
        care_level,
        main_condition_code,
        further_condition_code_1,
        further_condition_code_2,
        has_invalid_condition_code,
        institution_code,
        source_file,
        source_row_number
    from base_episodes
    where rejection_reason is null
)

select * from final
