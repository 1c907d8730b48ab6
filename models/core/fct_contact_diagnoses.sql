{#- One row per diagnosis code on a valid contact: ICPC-2 codes on KUHR bills, ICD-10 conditions on NPR
    episodes (main condition and further conditions). The report's chapter is the code's first letter.
    A table (~90 million rows nationally): its grain test and the diagnosis-chapter mart read it, and
    re-running the joins for each costs more than writing it once with categorical() text columns
    (diagnosis codes included: about 4,300 distinct codes at national scale; models/staging/categories/). -#}
with

bill_diagnoses as (
    select * from {{ ref('stg_kpr__bill_diagnoses') }}
),

diagnosis_codes_classified as (
    select * from {{ ref('int_diagnosis_codes_classified') }}
),

-- Only the columns the three code branches read: the CTE is read three times, so it is materialised.
specialist_episodes as (
    select
        sector,
        episode_id,
        main_condition_code,
        further_condition_code_1,
        further_condition_code_2
    from {{ ref('int_specialist_episodes_unioned') }}
),

icd10_first_letter_groups as (
    select * from {{ ref('icd10_first_letter_groups') }}
),

-- The bill codes' chapters, from int_diagnosis_codes_classified (each code classified once), the chapter
-- made a category once per code, not once per diagnosis row. Unclassified codes are left out (their rows
-- are counted there).
bill_code_categories as (
    select
        code_system,
        diagnosis_code,
        {{ categorical('chapter_code', ref('category_chapter_code')) }} as chapter_code
    from diagnosis_codes_classified
    where not is_unclassified
),

bill_codes as (
    select
        bill_diagnoses.bill_id as source_record_id,
        bill_code_categories.code_system,
        bill_code_categories.diagnosis_code,
        bill_code_categories.chapter_code,
        bill_diagnoses.is_main_diagnosis
    from bill_diagnoses
    inner join bill_code_categories
        on
            bill_diagnoses.code_system = bill_code_categories.code_system
            and bill_diagnoses.diagnosis_code = bill_code_categories.diagnosis_code
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
        {{ categorical('episode_codes.contact_source', ref('category_contact_source')) }} as contact_source,
        episode_codes.source_record_id,
        {{ categorical('episode_codes.code_system', ref('category_code_system')) }} as code_system,
        {{ categorical('episode_codes.diagnosis_code', ref('category_diagnosis_code')) }} as diagnosis_code,
        {{ categorical('icd10_first_letter_groups.first_letter', ref('category_chapter_code')) }} as chapter_code,
        episode_codes.is_main_diagnosis
    from episode_codes
    inner join icd10_first_letter_groups
        on left(episode_codes.diagnosis_code, 1) = icd10_first_letter_groups.first_letter
),

-- Bill codes join the KUHR contacts on the bill id alone (one integer key over tens of millions of rows);
-- the few million episode codes join the NPR contacts on source and episode id. Each reads fct_contacts
-- from its table: one CTE read by both would be materialised whole (~90 million rows) before either join.
kuhr_contacts as (
    select * from {{ ref('fct_contacts') }}
    where contact_source = 'kuhr'
),

npr_contacts as (
    select * from {{ ref('fct_contacts') }}
    where contact_source != 'kuhr'
),

bill_contact_codes as (
    select
        kuhr_contacts.contact_source,
        kuhr_contacts.source_record_id,
        kuhr_contacts.person_id,
        kuhr_contacts.service_key,
        bill_codes.code_system,
        bill_codes.diagnosis_code,
        bill_codes.chapter_code,
        bill_codes.is_main_diagnosis
    from bill_codes
    inner join kuhr_contacts
        on bill_codes.source_record_id = kuhr_contacts.source_record_id
),

episode_contact_codes as (
    select
        npr_contacts.contact_source,
        npr_contacts.source_record_id,
        npr_contacts.person_id,
        npr_contacts.service_key,
        episode_codes_grouped.code_system,
        episode_codes_grouped.diagnosis_code,
        episode_codes_grouped.chapter_code,
        episode_codes_grouped.is_main_diagnosis
    from episode_codes_grouped
    inner join npr_contacts
        on
            episode_codes_grouped.contact_source = npr_contacts.contact_source
            and episode_codes_grouped.source_record_id = npr_contacts.source_record_id
),

contact_codes as (
    select * from bill_contact_codes
    union all
    select * from episode_contact_codes
),

final as (
    select
        contact_source,
        source_record_id,
        person_id,
        service_key,
        code_system,
        diagnosis_code,
        chapter_code,
        is_main_diagnosis
    from contact_codes
)

select * from final
