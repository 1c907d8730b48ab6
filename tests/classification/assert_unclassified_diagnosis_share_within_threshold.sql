{#- Per code system, the share of staged bill diagnoses whose chapter no seed knows (e.g. an ICPC-2 code
    starting with a letter that is not an ICPC-2 chapter) must not exceed var('max_unclassified_diagnosis_share').
    Fails with one row per code system over the threshold; failure_message says what to do. -#}
{{ config(store_failures = true) }}

with

-- Counted per distinct code (int_diagnosis_codes_classified), not over the diagnosis rows again.
diagnosis_codes_classified as (
    select * from {{ ref('int_diagnosis_codes_classified') }}
),

unclassified_counts as (
    select
        code_system,
        sum(diagnosis_row_count) as diagnosis_row_count,
        coalesce(sum(diagnosis_row_count) filter (where is_unclassified), 0) as unclassified_row_count
    from diagnosis_codes_classified
    group by code_system
),

final as (
    select
        code_system,
        diagnosis_row_count,
        unclassified_row_count,
        unclassified_row_count / diagnosis_row_count as unclassified_share,
        {{ var('max_unclassified_diagnosis_share') }} as max_unclassified_share,
        {%- set message_template -%}
            'code system {}: {} of {} diagnosis rows ({}%) have no known chapter, more than the allowed {}% '
            || '(var max_unclassified_diagnosis_share); check seeds/icpc2_chapters.csv and '
            || 'icd10_first_letter_groups.csv or the extract'
        {%- endset %}
        {{ formatted_text(message_template, [
            "code_system",
            "unclassified_row_count",
            "diagnosis_row_count",
            "round(100.0 * unclassified_row_count / diagnosis_row_count, 1)",
            'round(100.0 * ' ~ var('max_unclassified_diagnosis_share') ~ ', 1)'
        ]) }} as failure_message
    from unclassified_counts
    where unclassified_row_count > {{ var('max_unclassified_diagnosis_share') }} * diagnosis_row_count
)

select * from final
