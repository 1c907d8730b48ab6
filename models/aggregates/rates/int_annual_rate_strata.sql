{#- One row per group x service x sex x age group: the events and person-months that the annual rates
    and their direct standardisation rest on. Denominator first: every group gets every sex x age
    group, with 0 person-months and 0 events where it has none, because a standardised rate's
    confidence interval depends on the empty strata too. -#}
{%- set services = report_services() -%}
{%- set event_columns = [] -%}
{%- for service_key in services -%}
    {%- do event_columns.append(service_key ~ '_events') -%}
{%- endfor %}

with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

-- The one scan of fct_person_months here (the CTE above is referenced only once, so DuckDB streams
-- it instead of materialising 110 M rows); the spine below is built from this small result. The fact
-- table's categorical columns (macros/categorical.sql) become plain text again on this small result.
stratum_category_totals as (
    select
        group_key,
        sex,
        age_group,
        {% for service_key in services -%}
            cast(sum({{ service_key }}_count) as bigint) as {{ service_key }}_events,
        {% endfor -%}
        sum(person_months) as person_months
    from person_months
    group by group_key, sex, age_group
),

stratum_totals as (
    select
        cast(group_key as {{ dbt.type_string() }}) as group_key,
        cast(sex as {{ dbt.type_string() }}) as sex,
        cast(age_group as {{ dbt.type_string() }}) as age_group,
        {% for service_key in services -%}
            {{ service_key }}_events,
        {% endfor -%}
        person_months
    from stratum_category_totals
),

groups as (
    select distinct group_key from stratum_totals
),

sexes as (
    select distinct sex from stratum_totals
),

-- The seed's age groups, plus any other value the fact table holds so that no person-time is lost
-- (the relationships test on age_group then reports it).
stratum_age_groups as (
    select age_group from age_groups
    union
    select distinct age_group from stratum_totals
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

complete_strata as (
    select
        stratum_spine.group_key,
        stratum_spine.sex,
        stratum_spine.age_group,
        {% for service_key in services -%}
            coalesce(stratum_totals.{{ service_key }}_events, 0) as {{ service_key }}_events,
        {% endfor -%}
        coalesce(stratum_totals.person_months, 0) as person_months
    from stratum_spine
    left join stratum_totals
        on
            stratum_spine.group_key is not distinct from stratum_totals.group_key
            and stratum_spine.sex is not distinct from stratum_totals.sex
            and stratum_spine.age_group is not distinct from stratum_totals.age_group
),

-- Long format: one row per stratum and Table 2 service.
service_strata as (
    select
        group_key,
        sex,
        age_group,
        person_months,
        {{ unpivoted(services, event_columns, 'service_key', 'events') }}
    from complete_strata
),

service_sets as (
    {{ combined_service_sets() }}
),

-- somatic_any and mental_any: the sums of their parts (combined_services()).
combined_strata as (
    select
        service_strata.group_key,
        service_sets.service_set_key as service_key,
        service_strata.sex,
        service_strata.age_group,
        any_value(service_strata.person_months) as person_months,
        sum(service_strata.events) as events
    from service_strata
    inner join service_sets
        on service_strata.service_key = service_sets.service_key
    where not service_sets.is_set_total
    group by service_strata.group_key, service_sets.service_set_key, service_strata.sex, service_strata.age_group
),

all_strata as (
    select
        group_key,
        service_key,
        sex,
        age_group,
        events,
        person_months
    from service_strata
    union all
    select
        group_key,
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
        service_key,
        sex,
        age_group,
        cast(events as bigint) as events,
        cast(person_months as double) as person_months
    from all_strata
)

select * from final
