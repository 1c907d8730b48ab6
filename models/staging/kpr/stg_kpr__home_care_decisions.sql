with

base_home_care_decisions as (
    select * from {{ ref('base_kpr__home_care_decisions') }}
),

final as (
    select
        decision_id,
        person_id,
        service_code,
        decision_start_date,
        decision_end_date,
        source_row_number
    from base_home_care_decisions
    where rejection_reason is null
)

select * from final
