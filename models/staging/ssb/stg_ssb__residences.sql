with

base_residences as (
    select * from {{ ref('base_ssb__residences') }}
),

final as (
    select
        person_id,
        residence_year,
        municipality_code,
        reported_municipality_code,
        source_row_number
    from base_residences
    where rejection_reason is null
)

select * from final
