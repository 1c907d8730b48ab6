-- Table 3, the time to first contact and Figure 3 by immigration reason (issue 14 item 2): refugees (Igrus2
-- 71) against family members reunified with a refugee (74) in each refugee group. First the GP and
-- out-of-hours rates of Table 3 side by side, then the time to first contact and the share with a GP contact
-- in months 0-3 after settlement, where the Ukom investigation expects reunified family members to lag.
-- Suppressed cells are null.
with

rates as (
    select * from {{ ref('annual_rates_by_immigration_reason') }}
),

first_contact as (
    select * from {{ ref('time_to_first_contact_by_immigration_reason') }}
),

monthly as (
    select * from {{ ref('monthly_contact_share_by_immigration_reason') }}
),

rate_rows as (
    select
        'annual rate' as measure,
        group_key,
        service_key as item,
        immigration_reason_key,
        round(dsr_annual, 2) as estimate,
        round(dsr_ci_lower_annual, 2) as ci_lower,
        round(dsr_ci_upper_annual, 2) as ci_upper
    from rates
    where service_key in ('gp_contact', 'out_of_hours_contact')
),

first_contact_rows as (
    select
        'mean months to first contact' as measure,
        group_key,
        first_contact_service as item,
        immigration_reason_key,
        round(mean_months_to_first_contact, 2) as estimate,
        round(mean_months_ci_lower, 2) as ci_lower,
        round(mean_months_ci_upper, 2) as ci_upper
    from first_contact
),

monthly_rows as (
    select
        'pct with a GP contact in month ' || months_since_settlement as measure,
        group_key,
        service_key as item,
        immigration_reason_key,
        round(pct_with_contact, 1) as estimate,
        round(pct_ci_lower, 1) as ci_lower,
        round(pct_ci_upper, 1) as ci_upper
    from monthly
    where service_key = 'gp_contact' and months_since_settlement <= 3
),

final as (
    select * from rate_rows
    union all
    select * from first_contact_rows
    union all
    select * from monthly_rows
)

select * from final
order by group_key, measure, item, immigration_reason_key
