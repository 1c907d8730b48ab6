{{ config(materialized='view') }}
{#- A view: read once by fct_contact_diagnoses; writing ~70 million rows would cost more than this
    equality join to the per-code classification (int_diagnosis_codes_classified). -#}
with

bill_diagnoses as (
    select * from {{ ref('stg_kpr__bill_diagnoses') }}
),

diagnosis_codes_classified as (
    select * from {{ ref('int_diagnosis_codes_classified') }}
),

final as (
    select
        bill_diagnoses.bill_id,
        bill_diagnoses.diagnosis_code,
        bill_diagnoses.code_system,
        bill_diagnoses.is_main_diagnosis,
        diagnosis_codes_classified.chapter_code,
        diagnosis_codes_classified.icd10_chapter_roman,
        diagnosis_codes_classified.is_unclassified,
        bill_diagnoses.source_row_number
    from bill_diagnoses
    left join diagnosis_codes_classified
        on
            bill_diagnoses.code_system = diagnosis_codes_classified.code_system
            and bill_diagnoses.diagnosis_code = diagnosis_codes_classified.diagnosis_code
)

select * from final
