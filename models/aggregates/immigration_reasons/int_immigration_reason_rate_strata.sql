{#- One row per refugee group x immigration reason x service x sex x age group: events and person-months,
    as int_annual_rate_strata is per group (macros/subgroups/subgroup_rate_strata.sql). -#}
with

strata as (
    {{ subgroup_rate_strata(
        ref('int_immigration_reason_persons'), 'immigration_reason_key', var('immigration_reason_groups')
    ) | indent(4) }}
)

select * from strata
