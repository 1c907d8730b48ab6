{#- Figures 7-9 for BI: among patients of a service, the % with at least one diagnosis in each chapter
    (W and X among women). -#}
with

chapter_shares as (
    select * from {{ ref('int_unsuppressed__diagnosis_chapter_shares') }}
),

flagged as (
    select
        *,
        {{ is_suppressed('least(patients_with_chapter, patients - patients_with_chapter)') }} as is_suppressed
    from chapter_shares
),

final as (
    select
        group_key,
        service_key,
        sex,
        code_system,
        chapter_code,
        {{ suppress_small_cells('patients', 'patients') }} as patients,
        case when not is_suppressed then patients_with_chapter end as patients_with_chapter,
        case when not is_suppressed then round(pct_patients_with_chapter, 10) end as pct_patients_with_chapter,
        is_suppressed
    from flagged
)

select * from final
