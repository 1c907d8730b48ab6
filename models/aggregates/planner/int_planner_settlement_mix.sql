{#- Who was settled where in 2022-2023: per settlement municipality (mix_level 'municipality') and for the
    whole country (mix_level 'national', municipality_code null) x recent group (var planning_groups) x sex
    x age group at settlement, the persons settled. A plan row that leaves group, sex or age group open is
    spread over this mix: its municipality's, or the country's where the municipality settled nobody who
    matches the columns the row does give (int_planned_cells). Built with the warehouse; `make plan` only
    reads it. -#}
with

persons as (
    select * from {{ ref('dim_persons') }}
),

recent_persons as (
    select
        settlement_municipality_code,
        group_key,
        sex,
        age_group
    from persons
    where is_recent_refugee and {{ is_one_of("group_key", var('planning_groups')) }}
),

municipal as (
    select
        'municipality' as mix_level,
        settlement_municipality_code as municipality_code,
        group_key,
        sex,
        age_group,
        count(*) as persons
    from recent_persons
    where settlement_municipality_code is not null
    group by settlement_municipality_code, group_key, sex, age_group
),

national as (
    select
        'national' as mix_level,
        cast(null as {{ dbt.type_string() }}) as municipality_code,
        group_key,
        sex,
        age_group,
        count(*) as persons
    from recent_persons
    group by group_key, sex, age_group
),

final as (
    select * from municipal
    union all
    select * from national
)

select * from final
