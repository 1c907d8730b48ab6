{#- The plan as cells of the rates: one row per plan row x recent group x sex x age group at settlement with
    the persons the row puts there. A row that gives all three columns is its own cell; a row that leaves any
    open is spread over the 2022-2023 settlements that match what it gives (int_planner_settlement_mix): its
    municipality's, else the country's (mix_source). Fractions of persons are kept: they are expectations. -#}
{{ config(materialized='table', tags=['planner']) }}

with

plan as (
    select * from {{ ref('int_settlement_plan') }}
),

mix as (
    select * from {{ ref('int_planner_settlement_mix') }}
),

fully_given as (
    select
        plan_row,
        group_key,
        sex,
        age_group,
        cast(1 as double) as mix_persons,
        'plan' as mix_source
    from plan
    where group_key is not null and sex is not null and age_group is not null
),

open_rows as (
    select * from plan
    where group_key is null or sex is null or age_group is null
),

municipal_matches as (
    select
        open_rows.plan_row,
        mix.group_key,
        mix.sex,
        mix.age_group,
        cast(mix.persons as double) as mix_persons,
        'municipality' as mix_source
    from open_rows
    inner join mix
        on
            mix.mix_level = 'municipality'
            and open_rows.municipality_code = mix.municipality_code
            and (open_rows.group_key is null or open_rows.group_key = mix.group_key)
            and (open_rows.sex is null or open_rows.sex = mix.sex)
            and (open_rows.age_group is null or open_rows.age_group = mix.age_group)
),

national_matches as (
    select
        open_rows.plan_row,
        mix.group_key,
        mix.sex,
        mix.age_group,
        cast(mix.persons as double) as mix_persons,
        'national' as mix_source
    from open_rows
    inner join mix
        on
            mix.mix_level = 'national'
            and (open_rows.group_key is null or open_rows.group_key = mix.group_key)
            and (open_rows.sex is null or open_rows.sex = mix.sex)
            and (open_rows.age_group is null or open_rows.age_group = mix.age_group)
    where open_rows.plan_row not in (select municipal_matches.plan_row from municipal_matches)
),

matches as (
    select * from fully_given
    union all
    select * from municipal_matches
    union all
    select * from national_matches
),

final as (
    select
        plan.plan_row,
        plan.municipality_code,
        plan.settlement_month,
        matches.group_key,
        matches.sex,
        matches.age_group,
        matches.mix_source,
        plan.persons * matches.mix_persons / sum(matches.mix_persons) over (partition by matches.plan_row)
            as persons
    from plan
    inner join matches
        on plan.plan_row = matches.plan_row
)

select * from final
