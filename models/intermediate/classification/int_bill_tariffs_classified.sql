{{ config(materialized='view') }}
{#- A view: int_bills_classified aggregates it per bill in one pass, and writing ~90 million tariff rows
    would cost more than that pass. Everything the pass needs is worked out once per provider type and
    distinct staged code (a few thousand pairs) and reaches the tariff rows by one equality join.
    Unclassified tariffs are counted per bill there (unclassified_tariff_row_count) for tests/classification/. -#}
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

provider_service_keys as (
    select * from {{ ref('provider_service_keys') }}
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

-- The few hundred distinct codes, so that the number-range match below runs once per code, not per row.
staged_tariff_codes as (
    select distinct tariff_code
    from {{ ref('stg_kpr__bill_tariffs') }}
),

-- The Helfo number ranges are the dental provider type's tariff list, and only numeric codes have a number.
dental_range_kinds as (
    select
        'dental' as provider_type,
        staged_tariff_codes.tariff_code,
        dental_tariff_ranges.contact_kind
    from staged_tariff_codes
    inner join dental_tariff_ranges
        on
            regexp_full_match(staged_tariff_codes.tariff_code, '[0-9]+')
            and try_cast(staged_tariff_codes.tariff_code as integer)
            between dental_tariff_ranges.code_from and dental_tariff_ranges.code_to
),

-- One row per (provider type, code) some seed classifies; tariff_codes wins over a dental range.
seed_kinds as (
    select
        coalesce(tariff_code_lookup.provider_type, dental_range_kinds.provider_type) as provider_type,
        coalesce(tariff_code_lookup.tariff_code, dental_range_kinds.tariff_code) as tariff_code,
        coalesce(tariff_code_lookup.contact_kind, dental_range_kinds.contact_kind) as contact_kind,
        coalesce(tariff_code_lookup.is_consultation, false) as is_consultation,
        case
            when tariff_code_lookup.contact_kind is not null then 'tariff_codes'
            else 'dental_tariff_ranges'
        end as classification_seed
    from tariff_code_lookup
    full outer join dental_range_kinds
        on
            tariff_code_lookup.provider_type = dental_range_kinds.provider_type
            and tariff_code_lookup.tariff_code = dental_range_kinds.tariff_code
),

-- A provider_service_keys row with a required contact kind (e.g. dental treatment) names the service of a
-- bill with a tariff of that kind; the first service key in sort order if two rows require the same kind.
required_kind_service_keys as (
    select
        provider_type,
        required_contact_kind,
        min(service_key) as service_key
    from provider_service_keys
    where required_contact_kind is not null
    group by provider_type, required_contact_kind
),

tariff_code_kinds as (
    select
        seed_kinds.provider_type,
        seed_kinds.tariff_code,
        seed_kinds.contact_kind,
        seed_kinds.is_consultation,
        seed_kinds.contact_kind = 'time_supplement' as is_time_supplement,
        seed_kinds.contact_kind = 'interpreter' as is_interpreter,
        required_kind_service_keys.service_key as required_kind_service_key,
        seed_kinds.classification_seed
    from seed_kinds
    left join required_kind_service_keys
        on
            seed_kinds.provider_type = required_kind_service_keys.provider_type
            and seed_kinds.contact_kind = required_kind_service_keys.required_contact_kind
),

classified as (
    select
        bill_tariffs.bill_id,
        bill_tariffs.tariff_code,
        bill_tariffs.tariff_count,
        bill_provider_types.provider_type,
        bill_provider_types.bill_id is not null as has_staged_bill,
        coalesce(tariff_code_kinds.contact_kind, 'unclassified') as contact_kind,
        coalesce(tariff_code_kinds.is_consultation, false) as is_consultation,
        coalesce(tariff_code_kinds.is_time_supplement, false) as is_time_supplement,
        coalesce(tariff_code_kinds.is_interpreter, false) as is_interpreter,
        tariff_code_kinds.contact_kind is null as is_unclassified,
        tariff_code_kinds.required_kind_service_key,
        tariff_code_kinds.classification_seed,
        bill_tariffs.source_row_number
    from bill_tariffs
    left join bill_provider_types
        on bill_tariffs.bill_id = bill_provider_types.bill_id
    left join tariff_code_kinds
        on
            bill_provider_types.provider_type = tariff_code_kinds.provider_type
            and bill_tariffs.tariff_code = tariff_code_kinds.tariff_code
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
        is_time_supplement,
        is_interpreter,
        is_unclassified,
        required_kind_service_key,
        classification_seed,
        source_row_number
    from classified
)

select * from final
