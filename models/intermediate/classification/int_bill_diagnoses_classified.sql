{{ config(materialized='view') }}
{#- A view: read once by the next model; writing tens of millions of rows to a table costs more than
    computing them again where an audit query or test reads this model. -#}
with

bill_diagnoses as (
    select * from {{ ref('stg_kpr__bill_diagnoses') }}
),

icpc2_chapters as (
    select * from {{ ref('icpc2_chapters') }}
),

icd10_first_letter_groups as (
    select * from {{ ref('icd10_first_letter_groups') }}
),

icd10_chapters as (
    select * from {{ ref('icd10_chapters') }}
),

-- Classified once per distinct code (a few thousand), not per row: the ICD-10 block lookup is a range
-- join, far too slow over tens of millions of rows; the rows then take their code's chapter by equality.
distinct_codes as (
    select distinct
        code_system,
        diagnosis_code
    from bill_diagnoses
),

code_chapters as (
    select
        distinct_codes.code_system,
        distinct_codes.diagnosis_code,
        -- The report groups both code systems by first letter (for ICD-10 this is not the real chapter).
        coalesce(icpc2_chapters.chapter_code, icd10_first_letter_groups.first_letter) as chapter_code,
        icd10_chapters.chapter_roman as icd10_chapter_roman
    from distinct_codes
    left join icpc2_chapters
        on
            distinct_codes.code_system = 'ICPC-2'
            and left(distinct_codes.diagnosis_code, 1) = icpc2_chapters.chapter_code
    left join icd10_first_letter_groups
        on
            distinct_codes.code_system = 'ICD-10'
            and left(distinct_codes.diagnosis_code, 1) = icd10_first_letter_groups.first_letter
    left join icd10_chapters
        on
            distinct_codes.code_system = 'ICD-10'
            and left(distinct_codes.diagnosis_code, 3)
            between icd10_chapters.block_from and icd10_chapters.block_to
),

classified as (
    select
        bill_diagnoses.bill_id,
        bill_diagnoses.diagnosis_code,
        bill_diagnoses.code_system,
        bill_diagnoses.is_main_diagnosis,
        code_chapters.chapter_code,
        code_chapters.icd10_chapter_roman,
        bill_diagnoses.source_row_number
    from bill_diagnoses
    left join code_chapters
        on
            bill_diagnoses.code_system = code_chapters.code_system
            and bill_diagnoses.diagnosis_code = code_chapters.diagnosis_code
),

final as (
    select
        bill_id,
        diagnosis_code,
        code_system,
        is_main_diagnosis,
        chapter_code,
        icd10_chapter_roman,
        chapter_code is null as is_unclassified,
        source_row_number
    from classified
)

select * from final
