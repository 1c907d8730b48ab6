{#- One row per valid contact. Lean on purpose: at national scale this is ~90 million rows, and every text
    column costs seconds to write, so the person's group, sex and age stay in dim_persons (join on
    person_id) and the contact's file is named by contact_source. -#}
with

contacts_checked as (
    select * from {{ ref('int_contacts_followup_checked') }}
),

final as (
    select
        contact_source,
        source_record_id,
        person_id,
        service_key,
        is_consultation,
        has_time_supplement,
        has_interpreter,
        has_consultation_2ad_or_2ae,
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
