{#- Table 3 by immigration reason before disclosure control: per refugee group x immigration reason x
    service, the rates of subgroup_rates (macros/subgroups/subgroup_rates.sql: persons, contacts, mean
    follow-up, the follow-up-adjusted annual rate with its Garwood CI, the age-sex standardised rate with
    the Fay & Feuer CI), with the reason's labels. A table: gamma_quantile is a Python UDF. -#}
{{ config(materialized='table') }}

with

immigration_reasons as (
    select * from {{ ref('immigration_reasons') }}
),

rates as (
    {{ subgroup_rates(
        ref('int_immigration_reason_rate_strata'), ref('int_immigration_reason_persons'), 'immigration_reason_key'
    ) | indent(4) }}
),

final as (
    select
        rates.group_key,
        rates.immigration_reason_key,
        immigration_reasons.igrus2_code,
        coalesce(immigration_reasons.immigration_reason_en, 'Unknown') as immigration_reason_en,
        coalesce(immigration_reasons.immigration_reason_no, 'Ukjent') as immigration_reason_no,
        coalesce(immigration_reasons.sort_order, 99) as immigration_reason_sort_order,
        rates.service_key,
        rates.service_family,
        rates.per_unit,
        rates.sort_order,
        rates.persons,
        rates.persons_followed,
        rates.events,
        rates.person_months,
        rates.mean_follow_up_months,
        rates.contacts_per_person,
        rates.contacts_per_1000_persons,
        rates.crude_rate_annual,
        rates.crude_rate_ci_lower_annual,
        rates.crude_rate_ci_upper_annual,
        rates.dsr_annual,
        rates.dsr_ci_lower_annual,
        rates.dsr_ci_upper_annual,
        rates.is_fully_standardised
    from rates
    left join immigration_reasons
        on rates.immigration_reason_key = immigration_reasons.immigration_reason_key
)

select * from final
