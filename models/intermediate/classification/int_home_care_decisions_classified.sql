{{ config(materialized='view') }}
{#- A view: read once by the next model; writing tens of millions of rows to a table costs more than
    computing them again where an audit query or test reads this model. -#}
with

home_care_decisions as (
    select * from {{ ref('stg_kpr__home_care_decisions') }}
),

hom_service_codes as (
    select * from {{ ref('hom_service_codes') }}
),

home_care_service_keys as (
    select * from {{ ref('home_care_service_keys') }}
),

final as (
    select
        home_care_decisions.decision_id,
        home_care_decisions.person_id,
        home_care_decisions.service_code,
        home_care_decisions.decision_start_date,
        home_care_decisions.decision_end_date,
        coalesce(hom_service_codes.decision_kind, 'unclassified') as decision_kind,
        home_care_service_keys.service_key,
        hom_service_codes.decision_kind is null as is_unclassified,
        home_care_decisions.source_row_number
    from home_care_decisions
    left join hom_service_codes
        on home_care_decisions.service_code = hom_service_codes.tjenestekode
    left join home_care_service_keys
        on hom_service_codes.decision_kind = home_care_service_keys.decision_kind
)

select * from final
