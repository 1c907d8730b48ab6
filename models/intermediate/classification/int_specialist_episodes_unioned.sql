{{ config(materialized='view') }}
{#- A view: read once by the next model; writing tens of millions of rows to a table costs more than
    computing them again where an audit query or test reads this model. -#}
with

somatic_episodes as (
    select * from {{ ref('stg_npr__somatic_episodes') }}
),

adult_mental_health_episodes as (
    select * from {{ ref('stg_npr__adult_mental_health_episodes') }}
),

child_mental_health_episodes as (
    select * from {{ ref('stg_npr__child_mental_health_episodes') }}
),

specialist_service_keys as (
    select * from {{ ref('specialist_service_keys') }}
),

-- NPR delivers one file per sector, so the sector is the file the episode came from.
unioned as (
    select
        'somatic' as sector,
        *
    from somatic_episodes
    union all
    select
        'mental_adult' as sector,
        *
    from adult_mental_health_episodes
    union all
    select
        'mental_child' as sector,
        *
    from child_mental_health_episodes
),

final as (
    select
        unioned.episode_id,
        unioned.person_id,
        unioned.sector,
        unioned.care_level_code,
        unioned.care_level,
        coalesce(specialist_service_keys.service_key, 'unclassified') as service_key,
        unioned.admission_date,
        unioned.discharge_date,
        unioned.main_condition_code,
        unioned.further_condition_code_1,
        unioned.further_condition_code_2,
        unioned.has_invalid_condition_code,
        unioned.institution_code,
        unioned.source_row_number
    from unioned
    left join specialist_service_keys
        on
            unioned.sector = specialist_service_keys.sector
            and unioned.care_level_code = specialist_service_keys.care_level_code
)

select * from final
