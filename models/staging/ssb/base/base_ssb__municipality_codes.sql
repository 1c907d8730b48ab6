{#- Every municipality code an extract may carry, with the 2024 code it stands for: the 2024 codes
    themselves and the pre-2024 codes of seed municipality_code_changes. The base models look codes up
    here so that the recoding is written once. -#}
with

municipalities_2024 as (
    select * from {{ ref('municipalities_2024') }}
),

municipality_code_changes as (
    select * from {{ ref('municipality_code_changes') }}
),

current_codes as (
    select
        lpad(trim(municipality_code), 4, '0') as reported_municipality_code,
        lpad(trim(municipality_code), 4, '0') as municipality_code,
        false as is_recoded
    from municipalities_2024
),

changed_codes as (
    select
        lpad(trim(municipality_code_changes.old_municipality_code), 4, '0') as reported_municipality_code,
        lpad(trim(municipality_code_changes.municipality_code), 4, '0') as municipality_code,
        true as is_recoded
    from municipality_code_changes
    -- A code still valid in 2024 keeps its own meaning even if it also appears as an old code.
    left join current_codes
        on
            lpad(trim(municipality_code_changes.old_municipality_code), 4, '0')
            = current_codes.reported_municipality_code
    where current_codes.reported_municipality_code is null
),

final as (
    select * from current_codes
    union all
    select * from changed_codes
)

select * from final
