{#- One row per distinct (code system, diagnosis code) among the staged bill diagnoses - a few thousand
    rows even nationally - with its chapter and how many staged rows carry it. The ICD-10 block lookup is a
    range join, far too slow over tens of millions of rows, so codes are classified here once and the rows
    take their code's chapter by equality (fct_contact_diagnoses). -#}
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

distinct_codes as (
    select
        code_system,
        diagnosis_code,
        count(*) as diagnosis_row_count
    from bill_diagnoses
    group by code_system, diagnosis_code
),

code_chapters as (
    select
        distinct_codes.code_system,
        distinct_codes.diagnosis_code,
        distinct_codes.diagnosis_row_count,
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

final as (
    select
        code_system,
        diagnosis_code,
        diagnosis_row_count,
        chapter_code,
        icd10_chapter_roman,
        chapter_code is null as is_unclassified
    from code_chapters
)

select * from final
