-- Figures 7-9: % of a service's patients with at least one diagnosis in each chapter (W and X among women).
with

diagnosis_chapter_shares as (
    select * from {{ ref('diagnosis_chapter_shares') }}
),

final as (
    select
        service_key,
        code_system,
        chapter_code,
        sex,
        group_key,
        is_suppressed,
        round(pct_patients_with_chapter, 1) as pct_patients_with_chapter
    from diagnosis_chapter_shares
    order by service_key, chapter_code, sex, group_key
)

select * from final
