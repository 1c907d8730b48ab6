{#- One row per recent refugee (ukraine_recent, other_recent), including those with no follow-up: the
    settlement municipality, follow-up person-months and contacts per municipality-table service
    (Tables V2/V3), the months from the settlement month to the first contact with GP, out-of-hours
    or specialist care and to the first GP contact (time to first contact), and the last month of
    follow-up (where the survival curve censors a person without a contact). -#}
{%- set services = var('municipality_rate_services') -%}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

person_months as (
    select * from {{ ref('fct_person_months') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

services as (
    select * from {{ ref('services') }}
),

recent_persons as (
    select
        person_id,
        group_key,
        sex,
        age_group,
        settlement_date,
        settlement_municipality_code
    from persons
    where is_recent_refugee
),

person_totals as (
    select
        person_id,
        {% for service_key in services -%}
            cast(sum({{ service_key }}_count) as bigint) as {{ service_key }}_events,
        {% endfor -%}
        sum(person_months) as person_months,
        max(months_since_settlement) as last_month_since_settlement
    from person_months
    where months_since_settlement is not null
    group by person_id
),

first_contact_services as (
    select
        service_key,
        {{ is_one_of("service_family", var('first_gp_contact_service_families')) }} as is_gp_service
    from services
    where {{ is_one_of("service_family", var('time_to_first_contact_service_families')) }}
),

first_contacts as (
    select
        contacts.person_id,
        min(contacts.months_since_settlement) as months_to_first_contact,
        min(contacts.months_since_settlement) filter (where first_contact_services.is_gp_service)
            as months_to_first_gp_contact
    from contacts
    inner join first_contact_services
        on contacts.service_key = first_contact_services.service_key
    where contacts.months_since_settlement is not null
    group by contacts.person_id
),

final as (
    select
        recent_persons.person_id,
        recent_persons.group_key,
        recent_persons.sex,
        recent_persons.age_group,
        recent_persons.settlement_date,
        recent_persons.settlement_municipality_code,
        first_contacts.months_to_first_contact,
        first_contacts.months_to_first_gp_contact,
        person_totals.last_month_since_settlement,
        {% for service_key in services -%}
            coalesce(person_totals.{{ service_key }}_events, 0) as {{ service_key }}_events,
        {% endfor -%}
        coalesce(person_totals.person_months, 0) as person_months
    from recent_persons
    left join person_totals
        on recent_persons.person_id = person_totals.person_id
    left join first_contacts
        on recent_persons.person_id = first_contacts.person_id
)

select * from final
