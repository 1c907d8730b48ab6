{#- Table 2's share before disclosure control: among GP consultations with tariff 2ad or 2ae of patients
    aged 20-49, the share with the time supplement (2cd) and/or the interpreter tariff. -#}
with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

eligible_consultations as (
    select
        persons.group_key,
        contacts.person_id,
        coalesce(contacts.has_time_supplement or contacts.has_interpreter, false) as has_time_or_interpreter
    from contacts
    inner join persons
        on contacts.person_id = persons.person_id
    where
        contacts.service_key = 'gp_contact'
        and contacts.is_consultation
        and contacts.has_time_interpreter_share_tariff
        and persons.report_age between {{ var('time_interpreter_share_min_age') }}
        and {{ var('time_interpreter_share_max_age') }}
),

group_totals as (
    select
        group_key,
        count(*) as consultations,
        count(*) filter (where has_time_or_interpreter) as consultations_with_time_or_interpreter,
        count(distinct person_id) as patients,
        count(distinct person_id) filter (where has_time_or_interpreter) as patients_with_time_or_interpreter
    from eligible_consultations
    group by group_key
),

final as (
    select
        group_key,
        consultations,
        consultations_with_time_or_interpreter,
        patients,
        patients_with_time_or_interpreter,
        cast(100 as double) * consultations_with_time_or_interpreter / consultations as pct_with_time_or_interpreter
    from group_totals
)

select * from final
