{#- The planner's inputs keep their rules (the second line behind planner/validate.py, which refuses a bad
    plan before dbt runs): every plan row settles in the planning window (vars planning_window_start ..
    planning_window_end), and every rate int_planner_rates gives rests on more than the suppression
    threshold of observed contacts. Returns the offending rows. -#}
{{ config(tags=['planner']) }}

with

plan as (
    select * from {{ ref('int_settlement_plan') }}
),

rates as (
    select * from {{ ref('int_planner_rates') }}
),

final as (
    select 'plan row ' || plan_row || ': settlement_month outside the planning window' as problem
    from plan
    where
        settlement_month < cast('{{ var("planning_window_start") }}-01' as date)
        or settlement_month > cast('{{ var("planning_window_end") }}-01' as date)
    union all
    select
        'rate ' || group_key || ' ' || service_key || ' month ' || months_since_settlement || ' ' || sex || ' '
        || age_group || ': rests on ' || rate_events || ' contacts' as problem
    from rates
    where rate_events <= {{ var('suppression_threshold', 5) }}
)

select * from final
