{{ config(materialized='view') }}
{#- A view: read once by the next model; writing tens of millions of rows to a table costs more than
    computing them again where an audit query or test reads this model. -#}
{#- Every staged, classified contact in one shape: KUHR bills (one contact each), NPR episodes (dated by
    admission) and HOM decisions (dated by the from-date). Not yet checked against follow-up. -#}
with

bills_classified as (
    select * from {{ ref('int_bills_classified') }}
),

specialist_episodes as (
    select * from {{ ref('int_specialist_episodes_unioned') }}
),

home_care_decisions as (
    select * from {{ ref('int_home_care_decisions_classified') }}
),

bills as (
    select
        'kuhr' as contact_source,
        bill_id as source_record_id,
        person_id,
        contact_date,
        coalesce(service_key, 'unclassified') as service_key,
        is_consultation,
        has_time_supplement,
        has_interpreter,
        has_time_interpreter_share_tariff,
        source_row_number
    from bills_classified
    where rejection_reason is null
),

episodes as (
    select
        -- Episode ids are unique within a sector's file only, so the sector is part of the source.
        'npr_' || sector as contact_source,
        episode_id as source_record_id,
        person_id,
        admission_date as contact_date,
        service_key,
        false as is_consultation,
        false as has_time_supplement,
        false as has_interpreter,
        false as has_time_interpreter_share_tariff,
        source_row_number
    from specialist_episodes
),

decisions as (
    select
        'hom' as contact_source,
        decision_id as source_record_id,
        person_id,
        decision_start_date as contact_date,
        coalesce(service_key, 'unclassified') as service_key,
        false as is_consultation,
        false as has_time_supplement,
        false as has_interpreter,
        false as has_time_interpreter_share_tariff,
        source_row_number
    from home_care_decisions
),

final as (
    select * from bills
    union all
    select * from episodes
    union all
    select * from decisions
)

select * from final
