{#- Kaplan-Meier curves of the months from the settlement month to the first GP contact ('gp') and to the
    first GP, out-of-hours or specialist contact ('any'), before disclosure control: one row per curve x
    group x sex x age group (and per curve x group, sex and age_group 'all') x month since settlement, from
    month 0 to the curve's last month with a person at risk. Computed from the per-(stratum, month) counts of
    first contacts (events) and of persons whose follow-up ends without one (censored), so the cost is that
    of one pass over the recent refugees, not of their person-months. Doc block
    `marts__time_to_first_contact_survival`. -#}
{%- set z = var('survival_ci_z') -%}

with

person_totals as (
    select * from {{ ref('int_recent_refugee_person_totals') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

-- Each person leaves the risk set once per curve: at the month of the first contact (an event) or, without
-- one, at the last month of follow-up (censored). Persons without follow-up are never at risk.
person_exits as (
    select
        'gp' as first_contact_service,
        group_key,
        sex,
        age_group,
        coalesce(months_to_first_gp_contact, last_month_since_settlement) as months_since_settlement,
        months_to_first_gp_contact is not null as is_first_contact
    from person_totals
    where last_month_since_settlement is not null
    union all
    select
        'any' as first_contact_service,
        group_key,
        sex,
        age_group,
        coalesce(months_to_first_contact, last_month_since_settlement) as months_since_settlement,
        months_to_first_contact is not null as is_first_contact
    from person_totals
    where last_month_since_settlement is not null
),

stratum_exits as (
    select
        first_contact_service,
        group_key,
        sex,
        age_group,
        false as is_group_total,
        months_since_settlement,
        count(*) filter (where is_first_contact) as first_contacts,
        count(*) filter (where not is_first_contact) as persons_censored
    from person_exits
    group by first_contact_service, group_key, sex, age_group, months_since_settlement
),

group_exits as (
    select
        first_contact_service,
        group_key,
        'all' as sex,
        'all' as age_group,
        true as is_group_total,
        months_since_settlement,
        count(*) filter (where is_first_contact) as first_contacts,
        count(*) filter (where not is_first_contact) as persons_censored
    from person_exits
    group by first_contact_service, group_key, months_since_settlement
),

exit_counts as (
    select * from stratum_exits
    union all
    select * from group_exits
),

curves as (
    select
        first_contact_service,
        group_key,
        sex,
        age_group,
        is_group_total,
        max(months_since_settlement) as last_month
    from exit_counts
    group by first_contact_service, group_key, sex, age_group, is_group_total
),

-- Every month from 0 to the last, so that months without an exit keep their step.
curve_months as (
    select
        first_contact_service,
        group_key,
        sex,
        age_group,
        is_group_total,
        {{ each_integer_up_to('last_month', 'months_since_settlement') }}
    from curves
),

counted as (
    select
        curve_months.first_contact_service,
        curve_months.group_key,
        curve_months.sex,
        curve_months.age_group,
        curve_months.is_group_total,
        curve_months.months_since_settlement,
        cast(coalesce(exit_counts.first_contacts, 0) as bigint) as first_contacts,
        cast(coalesce(exit_counts.persons_censored, 0) as bigint) as persons_censored
    from curve_months
    left join exit_counts
        on
            curve_months.first_contact_service = exit_counts.first_contact_service
            and curve_months.group_key = exit_counts.group_key
            and curve_months.sex = exit_counts.sex
            and curve_months.age_group = exit_counts.age_group
            and curve_months.months_since_settlement = exit_counts.months_since_settlement
),

-- Every recent refugee's follow-up starts in the settlement month (month 0), so the persons at risk in a
-- month are those who leave the risk set in that month or later; a person censored in a month is at risk
-- in it (the usual convention, and lifelines').
at_risk as (
    select
        *,
        cast(sum(first_contacts + persons_censored) over (
            partition by first_contact_service, group_key, sex, age_group
            order by months_since_settlement desc
            rows between unbounded preceding and current row
        ) as bigint) as persons_at_risk
    from counted
),

estimated as (
    select
        *,
        {{ window_product('1.0 - cast(first_contacts as double) / persons_at_risk', 'curve_to_date') }} as survival,
        -- Greenwood's sum of d / (n (n - d)); a step with d = n (survival 0) adds 0, as in lifelines.
        sum(
            case
                when first_contacts < persons_at_risk
                    then cast(first_contacts as double) / (persons_at_risk * (persons_at_risk - first_contacts))
                else 0.0
            end
        ) over curve_to_date as greenwood_sum
    from at_risk
    window curve_to_date as (
        partition by first_contact_service, group_key, sex, age_group
        order by months_since_settlement asc
        rows between unbounded preceding and current row
    )
),

-- 95 % CI on the log(-log) scale (the "exponential Greenwood" interval, lifelines' default): the bounds
-- are exp(-exp(log(-log S) -/+ z sqrt(greenwood_sum) / log S)); 1 to 1 while S = 1, 0 to 0 once S = 0.
with_ci as (
    select
        *,
        survival * survival * greenwood_sum as survival_variance,
        case
            when survival >= 1.0 then 1.0
            when survival <= 0.0 then 0.0
            else exp(-exp(ln(-ln(survival)) - {{ z }} * sqrt(greenwood_sum) / ln(survival)))
        end as survival_ci_lower,
        case
            when survival >= 1.0 then 1.0
            when survival <= 0.0 then 0.0
            else exp(-exp(ln(-ln(survival)) + {{ z }} * sqrt(greenwood_sum) / ln(survival)))
        end as survival_ci_upper
    from estimated
),

-- The median: the first month with survival at or below 0.5 (lifelines' median_survival_time_); null
-- when the curve stays above 0.5. Compared at 12 significant digits, so that an exact 0.5 (e.g. 15 of 30
-- still without a contact) is not lost to the last bit of a product of doubles.
medians as (
    select
        first_contact_service,
        group_key,
        sex,
        age_group,
        min(months_since_settlement) filter (
            where {{ round_significant('survival') }} <= 0.5
        ) as median_months_to_first_contact
    from with_ci
    group by first_contact_service, group_key, sex, age_group
),

-- Estimates stored to 12 significant digits (round_significant): reproducible run to run, 1e-12 relative.
final as (
    select
        with_ci.first_contact_service,
        with_ci.group_key,
        with_ci.sex,
        with_ci.age_group,
        with_ci.is_group_total,
        coalesce(age_groups.sort_order, 0) as age_group_sort_order,
        with_ci.months_since_settlement,
        with_ci.persons_at_risk,
        with_ci.first_contacts,
        with_ci.persons_censored,
        {{ round_significant('with_ci.survival') }} as survival,
        {{ round_significant('with_ci.greenwood_sum') }} as greenwood_sum,
        {{ round_significant('with_ci.survival_variance') }} as survival_variance,
        {{ round_significant('with_ci.survival_ci_lower') }} as survival_ci_lower,
        {{ round_significant('with_ci.survival_ci_upper') }} as survival_ci_upper,
        medians.median_months_to_first_contact
    from with_ci
    inner join medians
        on
            with_ci.first_contact_service = medians.first_contact_service
            and with_ci.group_key = medians.group_key
            and with_ci.sex = medians.sex
            and with_ci.age_group = medians.age_group
    left join age_groups
        on with_ci.age_group = age_groups.age_group
)

select * from final
