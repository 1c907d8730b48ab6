{{ config(materialized='view') }}
{#- A view: read once by the next model; writing tens of millions of rows to a table costs more than
    computing them again where an audit query or test reads this model. -#}
{#- One row per diagnosis code on a valid contact: ICPC-2 codes on KUHR bills, ICD-10 conditions on NPR
    episodes (main condition and further conditions). The report's chapter is the code's first letter. -#}
with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

bill_diagnoses as (
    select * from {{ ref('int_bill_diagnoses_classified') }}
),

specialist_episodes as (
    select * from {{ ref('int_specialist_episodes_unioned') }}
),

icd10_first_letter_groups as (
    select * from {{ ref('icd10_first_letter_groups') }}
),

bill_codes as (
    select
        'kuhr' as contact_source,
        bill_id as source_record_id,
        code_system,
        diagnosis_code,
        chapter_code,
        is_main_diagnosis
    from bill_diagnoses
    where not is_unclassified
),

episode_codes as (
    select
        'npr_' || sector as contact_source,
        episode_id as source_record_id,
        'ICD-10' as code_system,
        main_condition_code as diagnosis_code,
        true as is_main_diagnosis
    from specialist_episodes
    where main_condition_code is not null
    union all
    select
        'npr_' || sector as contact_source,
        episode_id as source_record_id,
        'ICD-10' as code_system,
        further_condition_code_1 as diagnosis_code,
        false as is_main_diagnosis
    from specialist_episodes
    where further_condition_code_1 is not null
    union all
    select
        'npr_' || sector as contact_source,
        episode_id as source_record_id,
        'ICD-10' as code_system,
        further_condition_code_2 as diagnosis_code,
        false as is_main_diagnosis
    from specialist_episodes
    where further_condition_code_2 is not null
),

episode_codes_grouped as (
    select
        episode_codes.contact_source,
        episode_codes.source_record_id,
        episode_codes.code_system,
        episode_codes.diagnosis_code,
        icd10_first_letter_groups.first_letter as chapter_code,
        episode_codes.is_main_diagnosis
    from episode_codes
    inner join icd10_first_letter_groups
        on left(episode_codes.diagnosis_code, 1) = icd10_first_letter_groups.first_letter
),

all_codes as (
    select * from bill_codes
    union all
    select * from episode_codes_grouped
),

final as (
    select
        contacts.contact_source,
        contacts.source_record_id,
        contacts.person_id,
        contacts.service_key,
        contacts.contact_date,
        all_codes.code_system,
        all_codes.diagnosis_code,
        all_codes.chapter_code,
        all_codes.is_main_diagnosis
    from all_codes
    inner join contacts
        on
            all_codes.contact_source = contacts.contact_source
            and all_codes.source_record_id = contacts.source_record_id
)

select * from final
