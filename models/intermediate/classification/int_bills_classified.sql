{{ config(
    pre_hook="{{ join_sides_as_written(true) }}",
    post_hook="{{ join_sides_as_written(false) }}"
) }}
with

bills as (
    select * from {{ ref('stg_kpr__bills') }}
),

bill_tariffs_classified as (
    select * from {{ ref('int_bill_tariffs_classified') }}
),

service_types as (
    select * from {{ ref('service_types') }}
),

provider_service_keys as (
    select * from {{ ref('provider_service_keys') }}
),

-- The bill's time, practice type and municipality stay in stg_kpr__bills (join on bill_id), and its
-- provider type follows from service_type_code (seed service_types): every text column of a table this
-- size costs seconds to write.
bill_provider_types as (
    select
        bills.bill_id,
        bills.person_id,
        bills.contact_date,
        bills.service_type_code,
        bills.source_row_number,
        coalesce(service_types.provider_type, 'unclassified') as provider_type
    from bills
    left join service_types
        on bills.service_type_code = service_types.tjenestetype
),

-- One pass over the tariff rows, whose flags int_bill_tariffs_classified has already resolved for the
-- bill's provider type. A seed row of provider_service_keys with a required contact kind applies when the
-- bill has a tariff of that kind (required_kind_service_key), and beats the provider type's catch-all row
-- (blank required contact kind); aggregates, not a window, because the bills are tens of millions.
tariff_flags as (
    select
        bill_id,
        count(*) as tariff_row_count,
        bool_or(is_consultation) as is_consultation,
        bool_or(is_time_supplement) as has_time_supplement,
        bool_or(is_interpreter) as has_interpreter,
        bool_or(
            tariff_code in (
                {%- for tariff_code in var('time_interpreter_share_tariff_codes') %}
                    '{{ tariff_code | lower }}'{{ "," if not loop.last }}
                {%- endfor %}
            )
        ) as has_consultation_2ad_or_2ae,
        count(*) filter (where is_unclassified) as unclassified_tariff_row_count,
        min(required_kind_service_key) as required_kind_service_key
    from bill_tariffs_classified
    group by bill_id
),

catch_all_keys as (
    select
        provider_type,
        min(service_key) as service_key
    from provider_service_keys
    where required_contact_kind is null
    group by provider_type
),

final as (
    select
        bill_provider_types.bill_id,
        bill_provider_types.person_id,
        bill_provider_types.contact_date,
        bill_provider_types.service_type_code,
        coalesce(tariff_flags.required_kind_service_key, catch_all_keys.service_key) as service_key,
        coalesce(tariff_flags.is_consultation, false) as is_consultation,
        coalesce(tariff_flags.has_time_supplement, false) as has_time_supplement,
        coalesce(tariff_flags.has_interpreter, false) as has_interpreter,
        coalesce(tariff_flags.has_consultation_2ad_or_2ae, false) as has_consultation_2ad_or_2ae,
        cast(coalesce(tariff_flags.tariff_row_count, 0) as integer) as tariff_row_count,
        cast(coalesce(tariff_flags.unclassified_tariff_row_count, 0) as integer) as unclassified_tariff_row_count,
        case
            when tariff_flags.bill_id is null then 'bill has no tariff row'
        end as rejection_reason,
        bill_provider_types.source_row_number
    from bill_provider_types
    left join tariff_flags
        on bill_provider_types.bill_id = tariff_flags.bill_id
    left join catch_all_keys
        on bill_provider_types.provider_type = catch_all_keys.provider_type
)

select * from final
