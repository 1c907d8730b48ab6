{#- Table 2's share for BI: among GP consultations with tariff 2ad or 2ae of patients aged 20-49, the
    share with the time supplement and/or the interpreter tariff, per group. -#}
with

shares as (
    select * from {{ ref('int_unsuppressed__consultation_time_interpreter_share') }}
),

flagged as (
    select
        *,
        {{ is_suppressed(
            'least(consultations_with_time_or_interpreter, consultations - consultations_with_time_or_interpreter, '
            ~ 'patients_with_time_or_interpreter, patients - patients_with_time_or_interpreter)'
        ) }} as is_suppressed
    from shares
),

final as (
    select
        group_key,
        is_suppressed,
        case when not is_suppressed then consultations end as consultations,
        case when not is_suppressed then consultations_with_time_or_interpreter end
            as consultations_with_time_or_interpreter,
        case when not is_suppressed then round(pct_with_time_or_interpreter, 10) end
            as pct_with_time_or_interpreter
    from flagged
)

select * from final
