with

base_bill_tariffs as (
    select * from {{ ref('base_kpr__bill_tariffs') }}
),

final as (
    select
        bill_id,
        tariff_code,
        tariff_count,
        source_row_number
    from base_bill_tariffs
    where rejection_reason is null
)

select * from final
