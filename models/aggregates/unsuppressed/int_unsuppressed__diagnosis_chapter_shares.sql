{#- Figures 7-9 before disclosure control: among persons with at least one contact with a service (GP,
    out-of-hours, somatic specialist care) during follow-up, the share with at least one diagnosis in each
    chapter (code's first letter; ICPC-2 in primary care, ICD-10 in specialist care). Chapters W and X
    are taken among women (sex 'female'), the others among all patients (sex 'all'). -#}
{%- set diagnosis_services = var('diagnosis_chapter_services') -%}
{%- set service_family_literals = [] -%}
{%- for service_family in diagnosis_services.values() -%}
    {%- do service_family_literals.append("'" ~ service_family ~ "'") -%}
{%- endfor -%}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

contact_diagnoses as (
    select * from {{ ref('fct_contact_diagnoses') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

services as (
    select * from {{ ref('services') }}
),

report_services as (
    select
        {{ unpivoted(
            diagnosis_services.keys() | list,
            service_family_literals,
            'report_service_key', 'service_family'
        ) }}
),

-- The report service as a category: the distinct persons below are grouped by it, tens of millions of rows.
service_families as (
    select
        services.service_key,
        {{ categorical('report_services.report_service_key', ref('category_service_key')) }}
            as report_service_key
    from services
    inner join report_services
        on services.service_family = report_services.service_family
),

-- Distinct persons first, then their group and sex from dim_persons: the join runs on far fewer rows.
patient_persons as (
    select distinct
        service_families.report_service_key as service_key,
        contacts.person_id
    from contacts
    inner join service_families
        on contacts.service_key = service_families.service_key
),

patients as (
    select
        persons.group_key,
        patient_persons.service_key,
        patient_persons.person_id,
        persons.sex
    from patient_persons
    inner join persons
        on patient_persons.person_id = persons.person_id
),

patient_chapter_persons as (
    select distinct
        service_families.report_service_key as service_key,
        contact_diagnoses.person_id,
        contact_diagnoses.code_system,
        contact_diagnoses.chapter_code
    from contact_diagnoses
    inner join service_families
        on contact_diagnoses.service_key = service_families.service_key
),

patient_chapters as (
    select
        persons.group_key,
        patient_chapter_persons.service_key,
        patient_chapter_persons.person_id,
        persons.sex,
        patient_chapter_persons.code_system,
        patient_chapter_persons.chapter_code
    from patient_chapter_persons
    inner join persons
        on patient_chapter_persons.person_id = persons.person_id
),

-- Each CTE above is read once, so nothing large is materialised twice.
patient_totals as (
    select
        group_key,
        service_key,
        count(*) as all_patients,
        count(*) filter (where sex = 'female') as female_patients
    from patients
    group by group_key, service_key
),

chapter_totals as (
    select
        group_key,
        service_key,
        code_system,
        chapter_code,
        count(*) as all_patients_with_chapter,
        count(*) filter (where sex = 'female') as female_patients_with_chapter
    from patient_chapters
    group by group_key, service_key, code_system, chapter_code
),

-- Chapters W and X (var female_only_diagnosis_chapters) among women, the others among all patients.
chapter_scopes as (
    select
        *,
        {{ is_one_of("chapter_code", var('female_only_diagnosis_chapters')) }} as is_female_only
    from chapter_totals
),

-- The categories leave as plain text here: the mart's columns are text on every engine.
scoped_counts as (
    select
        chapter_scopes.group_key,
        cast(chapter_scopes.service_key as string) as service_key,
        cast(chapter_scopes.code_system as string) as code_system,
        cast(chapter_scopes.chapter_code as string) as chapter_code,
        cast(
            case
                when chapter_scopes.is_female_only then patient_totals.female_patients
                else patient_totals.all_patients
            end as bigint
        ) as patients,
        cast(
            case
                when chapter_scopes.is_female_only then chapter_scopes.female_patients_with_chapter
                else chapter_scopes.all_patients_with_chapter
            end as bigint
        ) as patients_with_chapter,
        case when chapter_scopes.is_female_only then 'female' else 'all' end as sex
    from chapter_scopes
    inner join patient_totals
        on
            chapter_scopes.group_key = patient_totals.group_key
            and chapter_scopes.service_key = patient_totals.service_key
),

final as (
    select
        *,
        cast(100 as double) * patients_with_chapter / nullif(patients, 0) as pct_patients_with_chapter
    from scoped_counts
)

select * from final
