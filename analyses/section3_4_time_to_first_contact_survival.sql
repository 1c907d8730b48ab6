-- Section 3.4 as a survival curve: Kaplan-Meier share still without a first GP contact ('gp') or a first
-- GP, out-of-hours or specialist contact ('any') by month since settlement, with the 95 % log(-log)
-- Greenwood CI and the median, per recent group (group curves first) and sex x age group.
with

survival as (
    select * from {{ ref('time_to_first_contact_survival') }}
),

final as (
    select
        first_contact_service,
        group_key,
        sex,
        age_group,
        months_since_settlement,
        persons_at_risk,
        first_contacts,
        is_suppressed,
        round(100 * survival, 1) as pct_without_contact,
        round(100 * survival_ci_lower, 1) as pct_without_contact_ci_lower,
        round(100 * survival_ci_upper, 1) as pct_without_contact_ci_upper,
        median_months_to_first_contact
    from survival
    order by
        first_contact_service desc, group_key desc, is_group_total desc, sex asc, age_group_sort_order asc,
        months_since_settlement asc
)

select * from final
