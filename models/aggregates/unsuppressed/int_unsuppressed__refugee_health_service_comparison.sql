{#- Vedlegg 4 / Figure V1 before disclosure control: the municipality-table rates pooled over the
    municipalities with and without their own refugee health service (seed
    refugee_health_service_municipalities; municipalities outside the seed list are left out), per recent
    group and service. A table: gamma_quantile is a Python UDF. -#}
{{ config(materialized='table') }}

with

municipality_rates as (
    select * from {{ ref('int_unsuppressed__municipality_rates') }}
),

pooled as (
    select
        has_refugee_health_service,
        group_key,
        service_key,
        cast(sum(persons) as bigint) as persons,
        cast(sum(contacts) as bigint) as contacts,
        count(*) as municipalities,
        sum(person_months) as person_months
    from municipality_rates
    where has_refugee_health_service is not null
    group by has_refugee_health_service, group_key, service_key
),

final as (
    select
        has_refugee_health_service,
        group_key,
        service_key,
        municipalities,
        persons,
        contacts,
        round(person_months, 10) as person_months,
        {{ round_significant(annualised_rate('contacts', 'person_months')) }} as rate_annual,
        {{ round_significant(annualised_rate(poisson_ci_lower('contacts'), 'person_months')) }}
            as rate_ci_lower_annual,
        {{ round_significant(annualised_rate(poisson_ci_upper('contacts'), 'person_months')) }}
            as rate_ci_upper_annual
    from pooled
)

select * from final
