{{ config(materialized='view') }}
{#- A view: each staged tariff row with its bill's provider type and what its code means there. Read once,
    by int_bills_classified's per-bill pass: writing ~90 million tariff rows would cost more than that
    pass. The meanings are worked out once per (service type, staged code) in int_tariff_code_kinds and
    reach the rows by one equality join on small keys (service type, categorical tariff code). -#}
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

tariff_code_kinds as (
    select * from {{ ref('int_tariff_code_kinds') }}
),

bill_provider_types as (
    select
        bills.bill_id,
        bills.service_type_code,
        coalesce(service_types.provider_type, 'unclassified') as provider_type
    from bills
    left join service_types
        on bills.service_type_code = service_types.tjenestetype
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
            bill_provider_types.service_type_code = tariff_code_kinds.service_type_code
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
