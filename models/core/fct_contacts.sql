{#- One row per valid contact. Lean on purpose: at national scale this is ~90 million rows, and every text
    column costs seconds to write, so the person's group, sex and age stay in dim_persons (join on
    person_id), the contact's file is named by contact_source, and the two text columns are categorical()
    (DuckDB ENUMs): the sources of int_contacts_unioned (contact_sources(), macros/report_services.sql)
    and the services of seed services (every classification seed's service_key is tested against it
    before any model runs). -#}
with

contacts_checked as (
    select * from {{ ref('int_contacts_followup_checked') }}
),

final as (
    select
        {{ categorical('contact_source', ref('category_contact_source')) }} as contact_source,
        source_record_id,
        person_id,
        {{ categorical('service_key', ref('category_service_key')) }} as service_key,
        is_consultation,
        has_time_supplement,
        has_interpreter,
        has_time_interpreter_share_tariff,
        contact_date,
        cast({{ dbt.date_trunc('month', 'contact_date') }} as date) as month_start_date,
        case
            when is_recent_refugee
                then cast({{ months_between('settlement_date', 'contact_date') }} as integer)
        end as months_since_settlement,
        source_row_number
    from contacts_checked
    where exclusion_reason is null
)

select * from final
