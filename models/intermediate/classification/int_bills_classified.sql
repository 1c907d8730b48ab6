{#- One row per staged bill with the service it counts under and the flags of its tariffs. At national scale
    ~70 million bills and ~90 million tariff rows: the tariff rows, with their meaning for the bill's
    service type (int_bill_tariffs_classified, a view over int_tariff_code_kinds), are aggregated per bill
    in one pass, and the aggregates are joined to the bills from the bills' side, so the table keeps the
    bills' order: the extract's order (clustered by person in the synthetic extracts) makes every later
    per-person grouping of the contacts cheaper, where an aggregate's hash order would make the models
    and tests downstream slower. service_key is categorical() (category_service_key,
    the type of int_tariff_code_kinds.required_kind_service_key, so the coalesce below keeps it): as text
    it costs a third of the time it takes to write this table. -#}
{%- set share_tariff_codes = [] -%}
{%- for tariff_code in var('time_interpreter_share_tariff_codes') -%}
    {%- do share_tariff_codes.append("'" ~ (tariff_code | lower) ~ "'") -%}
{%- endfor -%}
{%- set bill_flag_conditions = {
    'is_consultation': 'is_consultation',
    'has_time_supplement': 'is_time_supplement',
    'has_interpreter': 'is_interpreter',
    'has_time_interpreter_share_tariff': 'tariff_code in (' ~ share_tariff_codes | join(', ') ~ ')'
} -%}
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

-- The bill's four yes/no flags: whether any of its tariff rows is a consultation, a time supplement, an
-- interpreter supplement, or one of the tariffs the time/interpreter share is taken over (one aggregate,
-- macros/packed_flags.sql). A seed row of provider_service_keys with a required contact
-- kind applies when the bill has a tariff of that kind (required_kind_service_key: one per provider type, a
-- seed test, so the minimum is that one), and beats the provider type's catch-all row.
tariff_flags as (
    select
        bill_id,
        count(*) as tariff_row_count,
        {{ any_row_meets_packed(bill_flag_conditions.values() | list) }} as flag_bits,
        count(*) filter (where is_unclassified) as unclassified_tariff_row_count,
        min(required_kind_service_key) as required_kind_service_key
    from bill_tariffs_classified
    group by bill_id
),

catch_all_keys as (
    select
        service_types.tjenestetype,
        {{ categorical('min(provider_service_keys.service_key)', ref('category_service_key')) }} as service_key
    from provider_service_keys
    inner join service_types
        on provider_service_keys.provider_type = service_types.provider_type
    where provider_service_keys.required_contact_kind is null
    group by service_types.tjenestetype
),

final as (
    select
        bills.bill_id,
        bills.person_id,
        bills.contact_date,
        bills.service_type_code,
        coalesce(tariff_flags.required_kind_service_key, catch_all_keys.service_key) as service_key,
        {%- for flag in bill_flag_conditions %}
            coalesce({{ any_row_meets('tariff_flags.flag_bits', loop.index0) }}, false) as {{ flag }},
        {%- endfor %}
        cast(coalesce(tariff_flags.tariff_row_count, 0) as integer) as tariff_row_count,
        cast(coalesce(tariff_flags.unclassified_tariff_row_count, 0) as integer) as unclassified_tariff_row_count,
        case
            when tariff_flags.bill_id is null then 'bill has no tariff row'
        end as rejection_reason,
        bills.source_row_number
    from bills
    left join tariff_flags
        on bills.bill_id = tariff_flags.bill_id
    left join catch_all_keys
        on bills.service_type_code = catch_all_keys.tjenestetype
)

select * from final
