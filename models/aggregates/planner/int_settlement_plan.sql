{#- The settlement plan (issue 14 item 4): the CSV named by var settlement_plan, or the default seed
    settlement_plan_2025 (12,640 refugees in 2025), one row per plan row with typed columns. `python -m
    planner` (make plan) refuses a bad plan before this runs, naming the file, row and rule; the tests here
    are the second line for a plan given to dbt directly. -#}
{{ config(materialized='table', tags=['planner']) }}
{%- set plan_row_order = '' if var('settlement_plan', '') else 'order by municipality_code, settlement_month' -%}

with

plan as (
    {{ read_settlement_plan() | indent(4) }}
),

final as (
    select
        -- The row as a spreadsheet numbers it (the header is row 1): a plan file's rows in the order read;
        -- the default seed's in municipality and month order, the order it is written in.
        cast(row_number() over ({{ plan_row_order }}) + 1 as integer) as plan_row,
        trim(municipality_code) as municipality_code,
        cast(trim(settlement_month) || '-01' as date) as settlement_month,
        cast(trim(persons) as integer) as persons,
        nullif(trim(group_key), '') as group_key,
        nullif(trim(sex), '') as sex,
        nullif(trim(age_group), '') as age_group
    from plan
)

select * from final
