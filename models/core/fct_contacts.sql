with

contacts_checked as (
    select * from {{ ref('int_contacts_followup_checked') }}
),

final as (
    select
        contact_id,
        contact_source,
        source_record_id,
        person_id,
        group_key,
        sex,
        age_group,
        report_age,
        service_key,
        is_consultation,
        has_time_supplement,
        has_interpreter,
        has_consultation_2ad_or_2ae,
        contact_date,
        cast({{ dbt.date_trunc('month', 'contact_date') }} as date) as month_start_date,
        case
            when is_recent_refugee
                then {{ months_between('settlement_date', 'contact_date') }}
        end as months_since_settlement,
        source_file,
        source_row_number
    from contacts_checked
    where exclusion_reason is null
)

select * from final
