{#- Table 3 by immigration reason (issue 14 item 2) for BI: per refugee group x immigration reason (Igrus2
    71 refugee, 74 family reunified with a refugee) x service, the follow-up-adjusted annual rate with its
    Garwood CI and the age-sex standardised rate with the Fay & Feuer CI (precomputed in
    int_immigration_reason_rates). The two reasons add up to the group's row in annual_rates and within a
    reason somatic_any and mental_any add up to their parts: primary and complementary suppression over both
    kinds of sets (macros/subgroups/subgroup_rate_suppression.sql, doc block
    marts__immigration_reason_disclosure). -#}
with

reason_rates as (
    select * from {{ ref('int_immigration_reason_rates') }}
),

suppressed as (
    {{ subgroup_rate_suppression('reason_rates', 'immigration_reason_key') | indent(4) }}
),

flagged as (
    select
        reason_rates.*,
        suppressed.is_suppressed,
        suppressed.is_complementary_suppressed,
        suppressed.is_subgroup_hidden as is_reason_hidden
    from reason_rates
    inner join suppressed
        on
            reason_rates.group_key = suppressed.group_key
            and reason_rates.immigration_reason_key = suppressed.immigration_reason_key
            and reason_rates.service_key = suppressed.service_key
),

final as (
    select
        group_key,
        immigration_reason_key,
        igrus2_code,
        immigration_reason_en,
        immigration_reason_no,
        immigration_reason_sort_order,
        service_key,
        sort_order,
        -- The reason's persons, follow-up and person-months stay visible on a row whose contacts are hidden
        -- (they are the same on its other rows), unless the reason itself is hidden.
        case when not is_reason_hidden then persons_followed end as persons_followed,
        case when not is_reason_hidden then mean_follow_up_months end as mean_follow_up_months,
        case when not is_suppressed then events end as contacts,
        case when not is_reason_hidden then person_months end as person_months,
        case when not is_suppressed then crude_rate_annual end as rate_annual,
        case when not is_suppressed then crude_rate_ci_lower_annual end as rate_ci_lower_annual,
        case when not is_suppressed then crude_rate_ci_upper_annual end as rate_ci_upper_annual,
        case when not is_suppressed then dsr_annual end as dsr_annual,
        case when not is_suppressed then dsr_ci_lower_annual end as dsr_ci_lower_annual,
        case when not is_suppressed then dsr_ci_upper_annual end as dsr_ci_upper_annual,
        is_fully_standardised,
        is_suppressed,
        is_complementary_suppressed,
        is_reason_hidden
    from flagged
)

select * from final
