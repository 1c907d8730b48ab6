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

bill_provider_types as (
    select
        bills.*,
        coalesce(service_types.provider_type, 'unclassified') as provider_type
    from bills
    left join service_types
        on bills.service_type_code = service_types.tjenestetype
),

tariff_flags as (
    select
        bill_id,
        count(*) as tariff_row_count,
        bool_or(is_consultation) as is_consultation,
        bool_or(contact_kind = 'time_supplement') as has_time_supplement,
        bool_or(contact_kind = 'interpreter') as has_interpreter,
        bool_or(
            tariff_code in (
                {%- for tariff_code in var('time_interpreter_share_tariff_codes') %}
                    '{{ tariff_code | lower }}'{{ "," if not loop.last }}
                {%- endfor %}
            )
        ) as has_consultation_2ad_or_2ae,
        bool_or(is_unclassified) as has_unclassified_tariff
    from bill_tariffs_classified
    group by bill_id
),

bill_contact_kinds as (
    select distinct
        bill_id,
        contact_kind
    from bill_tariffs_classified
),

-- A seed row with a required contact kind applies when the bill has such a tariff, and beats the
-- provider type's catch-all row (blank required contact kind).
service_key_candidates as (
    select
        bill_provider_types.bill_id,
        provider_service_keys.service_key,
        row_number() over (
            partition by bill_provider_types.bill_id
            order by
                provider_service_keys.required_contact_kind nulls last,
                provider_service_keys.service_key
        ) as candidate_rank
    from bill_provider_types
    inner join provider_service_keys
        on bill_provider_types.provider_type = provider_service_keys.provider_type
    left join bill_contact_kinds
        on
            bill_provider_types.bill_id = bill_contact_kinds.bill_id
            and provider_service_keys.required_contact_kind = bill_contact_kinds.contact_kind
    where
        provider_service_keys.required_contact_kind is null
        or bill_contact_kinds.bill_id is not null
),

service_keys as (
    select
        bill_id,
        service_key
    from service_key_candidates
    where candidate_rank = 1
),

final as (
    select
        bill_provider_types.bill_id,
        bill_provider_types.person_id,
        bill_provider_types.contact_date,
        bill_provider_types.contact_time,
        bill_provider_types.service_type_code,
        bill_provider_types.practice_type_code,
        bill_provider_types.municipality_code,
        bill_provider_types.provider_type,
        service_keys.service_key,
        coalesce(tariff_flags.is_consultation, false) as is_consultation,
        coalesce(tariff_flags.has_time_supplement, false) as has_time_supplement,
        coalesce(tariff_flags.has_interpreter, false) as has_interpreter,
        coalesce(tariff_flags.has_consultation_2ad_or_2ae, false) as has_consultation_2ad_or_2ae,
        coalesce(tariff_flags.has_unclassified_tariff, false) as has_unclassified_tariff,
        coalesce(tariff_flags.tariff_row_count, 0) as tariff_row_count,
        case
            when tariff_flags.bill_id is null then 'bill has no tariff row'
        end as rejection_reason,
        bill_provider_types.source_file,
        bill_provider_types.source_row_number
    from bill_provider_types
    left join tariff_flags
        on bill_provider_types.bill_id = tariff_flags.bill_id
    left join service_keys
        on bill_provider_types.bill_id = service_keys.bill_id
)

select * from final
