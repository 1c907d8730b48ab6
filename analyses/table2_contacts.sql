-- Table 2: contacts per group and service, per person or per 1,000 persons as the report prints them,
-- mean follow-up months, and the GP consultations' time/interpreter share (20-49 years).
with

contacts_by_group as (
    select * from {{ ref('contacts_by_group') }}
),

consultation_time_interpreter_share as (
    select * from {{ ref('consultation_time_interpreter_share') }}
),

final as (
    select
        contacts_by_group.service_key,
        contacts_by_group.sort_order,
        contacts_by_group.group_key,
        contacts_by_group.contacts,
        contacts_by_group.per_unit,
        contacts_by_group.is_suppressed,
        case
            when contacts_by_group.per_unit = 'person' then round(contacts_by_group.contacts_per_person, 1)
            else round(contacts_by_group.contacts_per_1000_persons, 1)
        end as contacts_per_unit,
        round(contacts_by_group.mean_follow_up_months, 1) as mean_follow_up_months,
        round(consultation_time_interpreter_share.pct_with_time_or_interpreter, 1)
            as gp_consultation_pct_time_or_interpreter_age_20_49
    from contacts_by_group
    left join consultation_time_interpreter_share
        on contacts_by_group.group_key = consultation_time_interpreter_share.group_key
    order by contacts_by_group.sort_order, contacts_by_group.group_key
)

select * from final
