{{ config(materialized='view') }}
{#- A view: int_bills_classified aggregates it per bill in one pass, and writing ~90 million tariff rows
    would cost more than that pass. Unclassified tariffs are counted per bill there
    (unclassified_tariff_row_count) for tests/classification/. -#}
with

bill_tariffs as (
    select * from {{ ref('stg_kpr__bill_tariffs') }}
),

bills as (
    select * from {{ ref('stg_kpr__bills') }}
),

service_types as (
    select * from {{ ref('service_types') }}
),

tariff_codes as (
    select * from {{ ref('tariff_codes') }}
),

dental_tariff_ranges as (
    select * from {{ ref('dental_tariff_ranges') }}
),

bill_provider_types as (
    select
        bills.bill_id,
        coalesce(service_types.provider_type, 'unclassified') as provider_type
    from bills
    left join service_types
        on bills.service_type_code = service_types.tjenestetype
),

-- Staged tariff codes are lowercased; the seed keeps the tariff's own spelling (e.g. H1).
tariff_code_lookup as (
    select
        provider_type,
        lower(trim(tariff_code)) as tariff_code,
        contact_kind,
        is_consultation
    from tariff_codes
),

classified as (
    select
        bill_tariffs.bill_id,
        bill_tariffs.tariff_code,
        bill_tariffs.tariff_count,
        bill_provider_types.provider_type,
        bill_provider_types.bill_id is not null as has_staged_bill,
        coalesce(
            tariff_code_lookup.contact_kind,
            dental_tariff_ranges.contact_kind,
            'unclassified'
        ) as contact_kind,
        coalesce(tariff_code_lookup.is_consultation, false) as is_consultation,
        case
            when tariff_code_lookup.contact_kind is not null then 'tariff_codes'
            when dental_tariff_ranges.contact_kind is not null then 'dental_tariff_ranges'
        end as classification_seed,
        bill_tariffs.source_row_number
    from bill_tariffs
    left join bill_provider_types
        on bill_tariffs.bill_id = bill_provider_types.bill_id
    left join tariff_code_lookup
        on
            bill_provider_types.provider_type = tariff_code_lookup.provider_type
            and bill_tariffs.tariff_code = tariff_code_lookup.tariff_code
    -- The Helfo number ranges are the dental provider type's tariff list, and only numeric codes have a number.
    left join dental_tariff_ranges
        on
            bill_provider_types.provider_type = 'dental'
            and regexp_full_match(bill_tariffs.tariff_code, '[0-9]+')
            and try_cast(bill_tariffs.tariff_code as integer)
            between dental_tariff_ranges.code_from and dental_tariff_ranges.code_to
),

final as (
    select
        bill_id,
        tariff_code,
        tariff_count,
        provider_type,
        has_staged_bill,
        contact_kind,
        is_consultation,
        contact_kind = 'unclassified' as is_unclassified,
        classification_seed,
        source_row_number
    from classified
)

select * from final
