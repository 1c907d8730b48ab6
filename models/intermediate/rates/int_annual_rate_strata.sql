{#- One row per group x service x sex x age group: the events and person-months that the annual rates
    and their direct standardisation rest on. Denominator first: every group gets every sex x age
    group, with 0 person-months and 0 events where it has none, because a standardised rate's
    confidence interval depends on the empty strata too. -#}
{%- set services = report_services() -%}
{%- set combined = combined_services() -%}

with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

groups as (
    select distinct group_key from person_months
),

sexes as (
    select distinct sex from person_months
),

-- The seed's age groups, plus any other value the fact table holds so that no person-time is lost
-- (the relationships test on age_group then reports it).
stratum_age_groups as (
    select age_group from age_groups
    union
    select distinct age_group from person_months
),

stratum_spine as (
    select
        groups.group_key,
        sexes.sex,
        stratum_age_groups.age_group
    from groups
    cross join sexes
    cross join stratum_age_groups
),

stratum_totals as (
    select
        group_key,
        sex,
        age_group,
        sum(person_months) as person_months,
        {%- for service_key in services %}
        cast(sum({{ service_key }}_count) as bigint) as {{ service_key }}_events{{ "," if not loop.last }}
        {%- endfor %}
    from person_months
    group by group_key, sex, age_group
),

complete_strata as (
    select
        stratum_spine.group_key,
        stratum_spine.sex,
        stratum_spine.age_group,
        coalesce(stratum_totals.person_months, 0) as person_months,
        {%- for service_key in services %}
        coalesce(stratum_totals.{{ service_key }}_events, 0) as {{ service_key }}_events,
        {%- endfor %}
        {%- for combined_key, parts in combined.items() %}
        {% for part in parts -%}
            coalesce(stratum_totals.{{ part }}_events, 0){{ " + " if not loop.last }}
        {%- endfor %} as {{ combined_key }}_events{{ "," if not loop.last }}
        {%- endfor %}
    from stratum_spine
    left join stratum_totals
        on
            stratum_spine.group_key is not distinct from stratum_totals.group_key
            and stratum_spine.sex is not distinct from stratum_totals.sex
            and stratum_spine.age_group is not distinct from stratum_totals.age_group
),

service_strata as (
    {%- for service_key in services + (combined.keys() | list) %}
    select
        group_key,
        '{{ service_key }}' as service_key,
        sex,
        age_group,
        {{ service_key }}_events as events,
        person_months
    from complete_strata
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        group_key,
        service_key,
        sex,
        age_group,
        cast(events as bigint) as events,
        cast(person_months as double) as person_months
    from service_strata
)

select * from final
