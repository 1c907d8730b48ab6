{#- Every staged person with the study's group, the report's age and the clipped follow-up period, and
    whether the person belongs to the study population (resident at some time in the study years). -#}
{%- set inclusion_start = "cast('" ~ var('inclusion_start_date') ~ "' as date)" -%}
{%- set inclusion_end = "cast('" ~ var('inclusion_end_date') ~ "' as date)" -%}
{%- set window_start = "cast('" ~ var('settlement_window_start_date') ~ "' as date)" -%}
{%- set window_end = "cast('" ~ var('settlement_window_end_date') ~ "' as date)" -%}
{%- set population_start = "cast('" ~ var('population_start_date') ~ "' as date)" -%}

with

persons as (
    select * from {{ ref('stg_ssb__persons') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

grouped as (
    select
        *,
        case
            when not is_refugee or settlement_date is null then 'general_population'
            when settlement_date < {{ window_start }} then 'refugees_before_2022'
            when settlement_date > {{ window_end }} then 'general_population'
            when country_of_birth_code = '{{ var("ukraine_country_code") }}' then 'ukraine_recent'
            else 'other_recent'
        end as group_key,
        -- The first day the person can be observed, and the day they leave (death or emigration).
        case
            when settlement_date > birth_date then settlement_date else birth_date
        end as entry_date,
        case
            when death_date is null then emigration_date
            when emigration_date is null then death_date
            when death_date < emigration_date then death_date
            else emigration_date
        end as exit_date
    from persons
),

aged as (
    select
        *,
        group_key in ('ukraine_recent', 'other_recent') as is_recent_refugee,
        -- Age in completed years with the birth date as the first of the birth month.
        case
            when group_key in ('ukraine_recent', 'other_recent')
                then
                    extract(year from settlement_date) - birth_year
                    - case when extract(month from settlement_date) < birth_month then 1 else 0 end
        end as age_at_settlement,
        {{ report_year() }} - birth_year as age_in_report_year
    from grouped
),

followed as (
    select
        *,
        coalesce(age_at_settlement, age_in_report_year) as report_age,
        greatest(
            {{ inclusion_start }},
            birth_date,
            case when is_recent_refugee then settlement_date else birth_date end
        ) as follow_up_start_date,
        case
            when exit_date is null or exit_date > {{ inclusion_end }} then {{ inclusion_end }}
            else exit_date
        end as follow_up_end_date,
        entry_date <= {{ inclusion_end }}
        and (exit_date is null or exit_date >= {{ population_start }}) as is_in_study_population
    from aged
),

final as (
    select
        followed.person_id,
        followed.group_key,
        followed.is_recent_refugee,
        followed.sex,
        followed.birth_year,
        followed.birth_month,
        followed.birth_date,
        followed.country_of_birth_code,
        followed.igrus2_code,
        followed.is_refugee,
        followed.immigration_reason_code,
        followed.settlement_date,
        followed.settlement_municipality_code,
        followed.death_date,
        followed.emigration_date,
        followed.age_at_settlement,
        followed.age_in_report_year,
        followed.report_age,
        age_groups.age_group,
        followed.follow_up_start_date,
        followed.follow_up_end_date,
        followed.is_in_study_population,
        followed.source_row_number
    from followed
    left join age_groups
        on followed.report_age between age_groups.age_from and age_groups.age_to
)

select * from final
