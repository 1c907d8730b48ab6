{#- Table 2 before disclosure control: per group and service, contacts during follow-up and contacts per
    person and per 1,000 persons (not adjusted for follow-up). -#}
with

strata as (
    select * from {{ ref('int_annual_rate_strata') }}
),

population as (
    select * from {{ ref('int_unsuppressed__population_by_group') }}
),

services as (
    select * from {{ ref('services') }}
),

group_service_contacts as (
    select
        group_key,
        service_key,
        cast(sum(events) as bigint) as contacts
    from strata
    group by group_key, service_key
),

final as (
    select
        group_service_contacts.group_key,
        group_service_contacts.service_key,
        services.service_family,
        services.per_unit,
        services.sort_order,
        population.persons,
        population.persons_followed,
        group_service_contacts.contacts,
        population.mean_follow_up_months,
        cast(group_service_contacts.contacts as double) / population.persons as contacts_per_person,
        cast(1000 as double) * group_service_contacts.contacts / population.persons as contacts_per_1000_persons
    from group_service_contacts
    inner join population
        on group_service_contacts.group_key = population.group_key
    left join services
        on group_service_contacts.service_key = services.service_key
)

select * from final
