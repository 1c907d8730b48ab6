{#- Figures 7-9 before disclosure control: among persons with at least one contact with a service (GP,
    out-of-hours, somatic specialist care) during follow-up, the share with at least one diagnosis in each
    chapter (code's first letter; ICPC-2 in primary care, ICD-10 in specialist care). Chapters W and X
    are taken among women (sex 'female'), the others among all patients (sex 'all'). -#}
{%- set diagnosis_services = var('diagnosis_chapter_services') -%}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

contact_diagnoses as (
    select * from {{ ref('fct_contact_diagnoses') }}
),

services as (
    select * from {{ ref('services') }}
),

report_services as (
    {%- for service_key, service_family in diagnosis_services.items() %}
    select
        '{{ service_key }}' as report_service_key,
        '{{ service_family }}' as service_family
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

service_families as (
    select
        services.service_key,
        report_services.report_service_key
    from services
    inner join report_services
        on services.service_family = report_services.service_family
),

patients as (
    select distinct
        contacts.group_key,
        service_families.report_service_key as service_key,
        contacts.person_id,
        contacts.sex
    from contacts
    inner join service_families
        on contacts.service_key = service_families.service_key
),

patient_chapters as (
    select distinct
        contact_diagnoses.group_key,
        service_families.report_service_key as service_key,
        contact_diagnoses.person_id,
        contact_diagnoses.sex,
        contact_diagnoses.code_system,
        contact_diagnoses.chapter_code
    from contact_diagnoses
    inner join service_families
        on contact_diagnoses.service_key = service_families.service_key
    where contact_diagnoses.chapter_code is not null
),

patient_counts as (
    select
        group_key,
        service_key,
        'all' as sex,
        count(*) as patients
    from patients
    group by group_key, service_key
    union all
    select
        group_key,
        service_key,
        'female' as sex,
        count(*) as patients
    from patients
    where sex = 'female'
    group by group_key, service_key
),

chapter_counts as (
    select
        group_key,
        service_key,
        'all' as sex,
        code_system,
        chapter_code,
        count(*) as patients_with_chapter
    from patient_chapters
    where not list_contains({{ var('female_only_diagnosis_chapters') }}, chapter_code)
    group by group_key, service_key, code_system, chapter_code
    union all
    select
        group_key,
        service_key,
        'female' as sex,
        code_system,
        chapter_code,
        count(*) as patients_with_chapter
    from patient_chapters
    where
        sex = 'female'
        and list_contains({{ var('female_only_diagnosis_chapters') }}, chapter_code)
    group by group_key, service_key, code_system, chapter_code
),

final as (
    select
        chapter_counts.group_key,
        chapter_counts.service_key,
        chapter_counts.sex,
        chapter_counts.code_system,
        chapter_counts.chapter_code,
        cast(patient_counts.patients as bigint) as patients,
        cast(chapter_counts.patients_with_chapter as bigint) as patients_with_chapter,
        100.0 * chapter_counts.patients_with_chapter / patient_counts.patients as pct_patients_with_chapter
    from chapter_counts
    inner join patient_counts
        on
            chapter_counts.group_key = patient_counts.group_key
            and chapter_counts.service_key = patient_counts.service_key
            and chapter_counts.sex = patient_counts.sex
)

select * from final
