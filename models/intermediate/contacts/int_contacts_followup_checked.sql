{{ config(materialized='view') }}
{#- A view: read once by the next model; writing tens of millions of rows to a table costs more than
    computing them again where an audit query or test reads this model. -#}
{#- Each classified contact against its person's follow-up: a contact counts when its person is in the
    study population, its service is one of the report's, and its date lies inside the follow-up period
    (both ends included). Every other contact keeps a reason, for the audit. -#}
with

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

persons_followed as (
    select * from {{ ref('int_persons_followed') }}
),

checked as (
    select
        contacts.contact_source,
        contacts.source_record_id,
        contacts.person_id,
        contacts.contact_date,
        contacts.service_key,
        contacts.is_consultation,
        contacts.has_time_supplement,
        contacts.has_interpreter,
        contacts.has_time_interpreter_share_tariff,
        contacts.source_row_number,
        persons_followed.group_key,
        persons_followed.sex,
        persons_followed.age_group,
        persons_followed.report_age,
        persons_followed.is_recent_refugee,
        persons_followed.settlement_date,
        persons_followed.follow_up_start_date,
        persons_followed.follow_up_end_date,
        case
            when persons_followed.person_id is null then 'person not among the staged persons'
            when not persons_followed.is_in_study_population then 'person not in the study population'
            when contacts.service_key = 'unclassified' then 'service outside the report'
            when contacts.contact_date < persons_followed.follow_up_start_date then 'before follow-up start'
            when contacts.contact_date > persons_followed.follow_up_end_date then 'after follow-up end'
        end as exclusion_reason
    from contacts
    left join persons_followed
        on contacts.person_id = persons_followed.person_id
),

final as (
    select * from checked
)

select * from final
