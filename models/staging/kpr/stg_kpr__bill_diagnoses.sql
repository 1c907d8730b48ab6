with

base_bill_diagnoses as (
    select * from {{ ref('base_kpr__bill_diagnoses') }}
),

final as (
    select
        bill_id,
        diagnosis_code,
        code_system,
        is_main_diagnosis,
        source_row_number
    from base_bill_diagnoses
    where rejection_reason is null
)

select * from final
