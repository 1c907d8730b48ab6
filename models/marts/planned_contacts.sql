{#- The settlement capacity planner (issue 14 item 4; report section 4) for BI: per municipality x calendar
    month x service (var planning_services), the contacts expected from the persons a settlement plan puts
    there in their first var planning_horizon_months (24) months after settlement, at the rates observed in
    2022-2023 for the matching recent group by month since settlement x sex x age group (int_planner_rates),
    with a 95 % prediction interval: Poisson variation plus the sampling variance of the rates, as a gamma
    distribution with that mean and variance (doc block marts__planned_contacts). Months beyond the observed
    follow-up (21 months at most) take the group's last observed month's rate and are flagged. -#}
{{ config(materialized='table', tags=['planner']) }}
{%- set alpha = var('ci_alpha', 0.05) | float -%}

with

cells as (
    select * from {{ ref('int_planned_cells') }}
),

rates as (
    select * from {{ ref('int_planner_rates') }}
),

plan as (
    select * from {{ ref('int_settlement_plan') }}
),

municipalities as (
    select * from {{ ref('municipalities_2024') }}
),

horizon as (
    select horizon_months.months_since_settlement
    from (
        values {% for month in range(var('planning_horizon_months') | int) -%}
            ({{ month }}){{ ', ' if not loop.last }}
        {%- endfor %}
    ) as horizon_months (months_since_settlement)
),

planned_rows as (
    select
        cells.municipality_code,
        cast({{ dbt.dateadd('month', 'horizon.months_since_settlement', 'cells.settlement_month') }} as date)
            as calendar_month,
        rates.service_key,
        rates.group_key,
        rates.months_since_settlement as rate_month,
        rates.sex,
        rates.age_group,
        horizon.months_since_settlement > rates.last_observed_month as is_extrapolated,
        cells.persons,
        rates.rate_per_person_month,
        rates.rate_variance,
        rates.rate_events
    from cells
    cross join horizon
    inner join rates
        on
            cells.group_key = rates.group_key
            and cells.sex = rates.sex
            and cells.age_group = rates.age_group
            and least(horizon.months_since_settlement, rates.last_observed_month) = rates.months_since_settlement
),

-- Persons sharing a rate share its sampling error: their persons are summed before the variance is squared.
by_rate as (
    select
        municipality_code,
        calendar_month,
        service_key,
        sum(persons) * any_value(rate_per_person_month) as expected_contacts,
        sum(persons * rate_per_person_month) filter (where is_extrapolated) as extrapolated_contacts,
        sum(persons) * sum(persons) * any_value(rate_variance) as rate_variance_term,
        any_value(rate_events) as rate_events,
        bool_or(is_extrapolated) as is_extrapolated,
        bool_or(rate_per_person_month is null) as has_missing_rate
    from planned_rows
    group by municipality_code, calendar_month, service_key, group_key, rate_month, sex, age_group
),

totals as (
    select
        municipality_code,
        calendar_month,
        service_key,
        sum(expected_contacts) as expected_contacts,
        sum(expected_contacts) + sum(rate_variance_term) as prediction_variance,
        coalesce(sum(extrapolated_contacts), 0) as extrapolated_contacts,
        min(rate_events) as min_rate_contacts,
        bool_or(is_extrapolated) as is_beyond_observed_follow_up,
        bool_or(has_missing_rate) as has_missing_rate
    from by_rate
    group by municipality_code, calendar_month, service_key
),

plan_months as (
    select
        plan.municipality_code,
        plan.persons,
        cast({{ dbt.dateadd('month', 'horizon.months_since_settlement', 'plan.settlement_month') }} as date)
            as calendar_month
    from plan
    cross join horizon
),

planned_population as (
    select
        municipality_code,
        calendar_month,
        sum(persons) as planned_population
    from plan_months
    group by municipality_code, calendar_month
),

final as (
    select
        totals.municipality_code,
        municipalities.municipality_name,
        municipalities.county_code,
        municipalities.county_name,
        totals.calendar_month,
        totals.service_key,
        planned_population.planned_population,
        {{ round_significant('totals.expected_contacts') }} as expected_contacts,
        case
            when totals.expected_contacts > 0
                then {{ round_significant(
                    'gamma_quantile(' ~ (alpha / 2) ~ ', totals.expected_contacts * totals.expected_contacts'
                    ~ ' / totals.prediction_variance, totals.prediction_variance / totals.expected_contacts)'
                ) }}
            else 0
        end as prediction_interval_lower,
        case
            when totals.expected_contacts > 0
                then {{ round_significant(
                    'gamma_quantile(' ~ (1 - alpha / 2) ~ ', totals.expected_contacts * totals.expected_contacts'
                    ~ ' / totals.prediction_variance, totals.prediction_variance / totals.expected_contacts)'
                ) }}
            else 0
        end as prediction_interval_upper,
        {{ round_significant('totals.extrapolated_contacts') }} as extrapolated_contacts,
        totals.is_beyond_observed_follow_up,
        totals.min_rate_contacts,
        totals.has_missing_rate
    from totals
    inner join planned_population
        on
            totals.municipality_code = planned_population.municipality_code
            and totals.calendar_month = planned_population.calendar_month
    left join municipalities
        on totals.municipality_code = municipalities.municipality_code
)

select * from final
