{#- The tariff classification (int_tariff_code_kinds, one row per service type and code, joined to ~90
    million tariff rows nationally) is unambiguous only if no tariff matches two seed rows: no two
    tariff_codes rows share a provider type and a lower-cased code, and no two dental_tariff_ranges overlap.
    Fails with one row per clash, naming the seed rows, before any model is built from them. -#}
with

tariff_codes as (
    select * from {{ ref('tariff_codes') }}
),

dental_tariff_ranges as (
    select * from {{ ref('dental_tariff_ranges') }}
),

repeated_tariff_codes as (
    select
        'tariff_codes' as seed_name,
        provider_type || ' ' || lower(trim(tariff_code)) as clash,
        count(*) as matching_rows
    from tariff_codes
    group by provider_type, lower(trim(tariff_code))
    having count(*) > 1
),

overlapping_ranges as (
    select
        'dental_tariff_ranges' as seed_name,
        cast(earlier.code_from as string) || '-' || cast(earlier.code_to as string) || ' and '
        || cast(later.code_from as string) || '-' || cast(later.code_to as string) as clash,
        2 as matching_rows
    from dental_tariff_ranges as earlier
    inner join dental_tariff_ranges as later
        on
            earlier.code_from < later.code_from
            and earlier.code_to >= later.code_from
),

final as (
    select * from repeated_tariff_codes
    union all
    select * from overlapping_ranges
)

select * from final
