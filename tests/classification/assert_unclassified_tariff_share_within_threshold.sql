{#- Per provider type that has a tariff classification (a row in provider_service_keys), the share of its
    tariff rows that no seed classifies must not exceed var('max_unclassified_tariff_share'). Fails with one
    row per provider type over the threshold; failure_message says what to do. -#}
{{ config(store_failures = true) }}

with

-- Counted per bill in int_bills_classified (a table), not over the tariff rows again.
bills_classified as (
    select * from {{ ref('int_bills_classified') }}
),

service_types as (
    select * from {{ ref('service_types') }}
),

provider_service_keys as (
    select * from {{ ref('provider_service_keys') }}
),

classified_provider_types as (
    select distinct provider_type
    from provider_service_keys
),

-- Summed per tjenestetype first (a handful of groups), then mapped to its provider type.
service_type_counts as (
    select
        service_type_code,
        sum(tariff_row_count) as tariff_row_count,
        sum(unclassified_tariff_row_count) as unclassified_row_count
    from bills_classified
    group by service_type_code
),

unclassified_counts as (
    select
        service_types.provider_type,
        sum(service_type_counts.tariff_row_count) as tariff_row_count,
        sum(service_type_counts.unclassified_row_count) as unclassified_row_count
    from service_type_counts
    inner join service_types
        on service_type_counts.service_type_code = service_types.tjenestetype
    inner join classified_provider_types
        on service_types.provider_type = classified_provider_types.provider_type
    group by service_types.provider_type
),

final as (
    select
        provider_type,
        tariff_row_count,
        unclassified_row_count,
        unclassified_row_count / tariff_row_count as unclassified_share,
        {{ var('max_unclassified_tariff_share') }} as max_unclassified_share,
        {%- set message_template -%}
            'provider type {}: {} of {} tariff rows ({}%) are unclassified, more than the allowed {}% '
            || '(var max_unclassified_tariff_share); add the codes to seeds/tariff_codes.csv '
            || '(or dental_tariff_ranges.csv) or raise the threshold'
        {%- endset %}
        {{ formatted_text(message_template, [
            "provider_type",
            "unclassified_row_count",
            "tariff_row_count",
            "round(100.0 * unclassified_row_count / tariff_row_count, 1)",
            'round(100.0 * ' ~ var('max_unclassified_tariff_share') ~ ', 1)'
        ]) }} as failure_message
    from unclassified_counts
    where unclassified_row_count > {{ var('max_unclassified_tariff_share') }} * tariff_row_count
)

select * from final
