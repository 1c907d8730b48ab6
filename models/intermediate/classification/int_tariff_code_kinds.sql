{#- What each staged tariff code means on a bill of each KUHR service type (tjenestetype): one row per
    (service type, staged code) that a seed classifies for the service type's provider type - a few
    thousand rows even nationally. The tariff rows take their flags from here by one equality join on
    (service_type_code, tariff_code) in the view int_bill_tariffs_classified, which int_bills_classified
    aggregates per bill. A pair with no row here is unclassified. required_kind_service_key is categorical()
    (category_service_key): int_bills_classified takes its minimum over every tariff row, cheaper over an
    ENUM than over text. -#}
with

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

-- The few hundred distinct staged codes: the number-range match below runs once per code, and the codes
-- keep the staged column's type (a category), so the large join compares like with like.
staged_tariff_codes as (
    select distinct
        tariff_code,
        cast(tariff_code as string) as tariff_code_text
    from {{ ref('stg_kpr__bill_tariffs') }}
    where tariff_code is not null
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

-- The Helfo number ranges number a provider type's tariff list (the seed says which: dental), and only
-- numeric codes have a number.
dental_range_kinds as (
    select
        dental_tariff_ranges.provider_type,
        staged_tariff_codes.tariff_code_text as tariff_code,
        dental_tariff_ranges.contact_kind
    from staged_tariff_codes
    inner join dental_tariff_ranges
        on
            {{ matches_fully("staged_tariff_codes.tariff_code_text", '[0-9]+') }}
            and try_cast(staged_tariff_codes.tariff_code_text as integer)
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

final as (
    select
        service_types.tjenestetype as service_type_code,
        staged_tariff_codes.tariff_code,
        seed_kinds.provider_type,
        seed_kinds.contact_kind,
        seed_kinds.is_consultation,
        seed_kinds.contact_kind = 'time_supplement' as is_time_supplement,
        seed_kinds.contact_kind = 'interpreter' as is_interpreter,
        {{ categorical('required_kind_service_keys.service_key', ref('category_service_key')) }}
            as required_kind_service_key,
        seed_kinds.classification_seed
    from seed_kinds
    inner join staged_tariff_codes
        on seed_kinds.tariff_code = staged_tariff_codes.tariff_code_text
    inner join service_types
        on seed_kinds.provider_type = service_types.provider_type
    left join required_kind_service_keys
        on
            seed_kinds.provider_type = required_kind_service_keys.provider_type
            and seed_kinds.contact_kind = required_kind_service_keys.required_contact_kind
)

select * from final
