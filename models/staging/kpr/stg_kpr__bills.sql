with

base_bills as (
    select * from {{ ref('base_kpr__bills') }}
),

final as (
    select
        bill_id,
        person_id,
        contact_date,
        contact_time,
        service_type_code,
        practice_type_code,
        municipality_code,
        source_row_number
    from base_bills
    where rejection_reason is null
)

select * from final
