{#- The rate strata of a split of the refugee groups (country of birth, immigration reason): one row per
    group x subgroup x service x sex x age group with contacts and person-months, as int_annual_rate_strata
    is per group. Denominator first: every group x subgroup gets every sex x age group (0 where it has no
    person-time), so the standardised rate's CI sees the empty strata. One scan of fct_person_months,
    restricted to `groups` before the join to the persons' subgroups.

    `person_subgroups`: a relation or CTE name (not itself named person_subgroups) with one row per person
    of the split: person_id, group_key and `subgroup_column`, the published row the person goes to. Returns
    a select with group_key, `subgroup_column`, service_key, sex, age_group, events, person_months. -#}
{% macro subgroup_rate_strata(person_subgroups, subgroup_column, groups) -%}
{%- set services = report_services() -%}
{%- set event_columns = [] -%}
{%- for service_key in services -%}
    {%- do event_columns.append(service_key ~ '_events') -%}
{%- endfor %}
with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

person_subgroups as (
    select * from {{ person_subgroups }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

sexes as (
    select * from {{ ref('sexes') }}
),

refugee_person_months as (
    select
        cast(person_months.group_key as {{ dbt.type_string() }}) as group_key,
        person_months.person_id,
        cast(person_months.sex as {{ dbt.type_string() }}) as sex,
        cast(person_months.age_group as {{ dbt.type_string() }}) as age_group,
        {% for service_key in services -%}
            person_months.{{ service_key }}_count,
        {% endfor -%}
        person_months.person_months
    from person_months
    where {{ is_one_of('cast(person_months.group_key as ' ~ dbt.type_string() ~ ')', groups) }}
),

stratum_totals as (
    select
        refugee_person_months.group_key,
        person_subgroups.{{ subgroup_column }},
        refugee_person_months.sex,
        refugee_person_months.age_group,
        {% for service_key in services -%}
            cast(sum(refugee_person_months.{{ service_key }}_count) as bigint) as {{ service_key }}_events,
        {% endfor -%}
        sum(refugee_person_months.person_months) as person_months
    from refugee_person_months
    inner join person_subgroups
        on refugee_person_months.person_id = person_subgroups.person_id
    group by
        refugee_person_months.group_key,
        person_subgroups.{{ subgroup_column }},
        refugee_person_months.sex,
        refugee_person_months.age_group
),

published_rows as (
    select distinct
        group_key,
        {{ subgroup_column }}
    from person_subgroups
),

stratum_sexes as (
    select sex from sexes
    union
    select distinct sex from stratum_totals
),

stratum_age_groups as (
    select age_group from age_groups
    union
    select distinct age_group from stratum_totals
),

stratum_spine as (
    select
        published_rows.group_key,
        published_rows.{{ subgroup_column }},
        stratum_sexes.sex,
        stratum_age_groups.age_group
    from published_rows
    cross join stratum_sexes
    cross join stratum_age_groups
),

complete_strata as (
    select
        stratum_spine.group_key,
        stratum_spine.{{ subgroup_column }},
        stratum_spine.sex,
        stratum_spine.age_group,
        {% for service_key in services -%}
            coalesce(stratum_totals.{{ service_key }}_events, 0) as {{ service_key }}_events,
        {% endfor -%}
        coalesce(stratum_totals.person_months, 0) as person_months
    from stratum_spine
    left join stratum_totals
        on
            stratum_spine.group_key = stratum_totals.group_key
            and stratum_spine.{{ subgroup_column }} = stratum_totals.{{ subgroup_column }}
            and stratum_spine.sex is not distinct from stratum_totals.sex
            and stratum_spine.age_group is not distinct from stratum_totals.age_group
),

service_strata as (
    select
        group_key,
        {{ subgroup_column }},
        sex,
        age_group,
        person_months,
        {{ unpivoted(services, event_columns, 'service_key', 'events') }}
    from complete_strata
),

service_sets as (
    {{ combined_service_sets() }}
),

combined_strata as (
    select
        service_strata.group_key,
        service_strata.{{ subgroup_column }},
        service_sets.service_set_key as service_key,
        service_strata.sex,
        service_strata.age_group,
        any_value(service_strata.person_months) as person_months,
        sum(service_strata.events) as events
    from service_strata
    inner join service_sets
        on service_strata.service_key = service_sets.service_key
    where not service_sets.is_set_total
    group by
        service_strata.group_key,
        service_strata.{{ subgroup_column }},
        service_sets.service_set_key,
        service_strata.sex,
        service_strata.age_group
),

all_strata as (
    select
        group_key,
        {{ subgroup_column }},
        service_key,
        sex,
        age_group,
        events,
        person_months
    from service_strata
    union all
    select
        group_key,
        {{ subgroup_column }},
        service_key,
        sex,
        age_group,
        events,
        person_months
    from combined_strata
),

final as (
    select
        group_key,
        {{ subgroup_column }},
        service_key,
        sex,
        age_group,
        cast(events as bigint) as events,
        cast(person_months as double) as person_months
    from all_strata
)

select * from final
{%- endmacro %}
