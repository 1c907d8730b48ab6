{#- Every person of the plan is in int_planned_cells: per plan row, the cells' persons sum to the row's
    persons (to 1e-9: the mix splits them into fractions). A row whose open columns match no one settled in
    2022-2023, in its municipality or the country, would lose its persons: it is returned here. -#}
{{ config(tags=['planner']) }}

with

plan as (
    select * from {{ ref('int_settlement_plan') }}
),

cells as (
    select * from {{ ref('int_planned_cells') }}
),

cell_totals as (
    select
        plan_row,
        sum(persons) as persons
    from cells
    group by plan_row
),

final as (
    select
        plan.plan_row,
        plan.municipality_code,
        plan.persons as planned_persons,
        coalesce(cell_totals.persons, 0) as persons_in_cells
    from plan
    left join cell_totals
        on plan.plan_row = cell_totals.plan_row
    where abs(plan.persons - coalesce(cell_totals.persons, 0)) > 0.000000001 * greatest(1, plan.persons)
)

select * from final
