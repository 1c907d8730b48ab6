{#- The planner's rates (issue 14 item 4): per recent group (var planning_groups) x month since settlement x
    sex x age group x planned service (var planning_services), contacts per person-month as observed in the
    inclusion period, with the variance of that estimate (events / person-months^2, Poisson). A stratum
    resting on 5 or fewer contacts takes the rate of the group x month x sex instead, then of the group x
    month, then of the group over all its months (rate_level says which), so that no rate - and no expected
    value a plan makes of it - reproduces a small cell; where even that rests on 5 or fewer, the rate is
    null. Built with the warehouse; `make plan` only reads it. -#}
{%- set combined = combined_services() -%}
{%- set services = var('planning_services') -%}
{%- set threshold = var('suppression_threshold', 5) | int -%}
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

recent_strata as (
    select
        cast(group_key as {{ dbt.type_string() }}) as group_key,
        months_since_settlement,
        cast(sex as {{ dbt.type_string() }}) as sex,
        cast(age_group as {{ dbt.type_string() }}) as age_group,
        {% for service_key in services -%}
            {%- set parts = combined[service_key] if service_key in combined else [service_key] -%}
            {%- set count_sum = parts | join('_count + ') ~ '_count' %}
            cast(sum({{ count_sum }}) as bigint) as {{ service_key }}_events,
        {% endfor -%}
        sum(person_months) as person_months
    from person_months
    where
        months_since_settlement is not null
        and {{ is_one_of('cast(group_key as ' ~ dbt.type_string() ~ ')', var('planning_groups')) }}
    group by
        cast(group_key as {{ dbt.type_string() }}),
        months_since_settlement,
        cast(sex as {{ dbt.type_string() }}),
        cast(age_group as {{ dbt.type_string() }})
),

service_strata as (
    select
        group_key,
        months_since_settlement,
        sex,
        age_group,
        person_months,
        {{ unpivoted(services, event_columns, 'service_key', 'events') }}
    from recent_strata
),

-- The four levels a rate can come from: the stratum, then pooled over age groups, over sex, over months.
stratum_level as (
    select
        group_key,
        service_key,
        months_since_settlement,
        sex,
        age_group,
        sum(events) as events,
        sum(person_months) as person_months
    from service_strata
    group by group_key, service_key, months_since_settlement, sex, age_group
),

month_sex_level as (
    select
        group_key,
        service_key,
        months_since_settlement,
        sex,
        sum(events) as events,
        sum(person_months) as person_months
    from service_strata
    group by group_key, service_key, months_since_settlement, sex
),

month_level as (
    select
        group_key,
        service_key,
        months_since_settlement,
        sum(events) as events,
        sum(person_months) as person_months
    from service_strata
    group by group_key, service_key, months_since_settlement
),

group_level as (
    select
        group_key,
        service_key,
        sum(events) as events,
        sum(person_months) as person_months
    from service_strata
    group by group_key, service_key
),

observed_months as (
    select
        group_key,
        max(months_since_settlement) as last_observed_month
    from service_strata
    where person_months > 0
    group by group_key
),

months as (
    select distinct months_since_settlement from service_strata
),

sexes as (
    select distinct sex from service_strata
),

services as (
    select distinct service_key from service_strata
),

spine as (
    select
        observed_months.group_key,
        observed_months.last_observed_month,
        months.months_since_settlement,
        sexes.sex,
        age_groups.age_group,
        services.service_key
    from observed_months
    cross join months
    cross join sexes
    cross join age_groups
    cross join services
    where months.months_since_settlement <= observed_months.last_observed_month
),

chosen as (
    select
        spine.*,
        stratum.events as stratum_events,
        case
            when stratum.events > {{ threshold }} then 'stratum'
            when by_sex.events > {{ threshold }} then 'group_month_sex'
            when by_month.events > {{ threshold }} then 'group_month'
            when by_group.events > {{ threshold }} then 'group'
        end as rate_level,
        case
            when stratum.events > {{ threshold }} then stratum.events
            when by_sex.events > {{ threshold }} then by_sex.events
            when by_month.events > {{ threshold }} then by_month.events
            when by_group.events > {{ threshold }} then by_group.events
        end as rate_events,
        case
            when stratum.events > {{ threshold }} then stratum.person_months
            when by_sex.events > {{ threshold }} then by_sex.person_months
            when by_month.events > {{ threshold }} then by_month.person_months
            when by_group.events > {{ threshold }} then by_group.person_months
        end as rate_person_months
    from spine
    left join stratum_level as stratum
        on
            spine.group_key = stratum.group_key
            and spine.service_key = stratum.service_key
            and spine.months_since_settlement = stratum.months_since_settlement
            and spine.sex = stratum.sex
            and spine.age_group = stratum.age_group
    left join month_sex_level as by_sex
        on
            spine.group_key = by_sex.group_key
            and spine.service_key = by_sex.service_key
            and spine.months_since_settlement = by_sex.months_since_settlement
            and spine.sex = by_sex.sex
    left join month_level as by_month
        on
            spine.group_key = by_month.group_key
            and spine.service_key = by_month.service_key
            and spine.months_since_settlement = by_month.months_since_settlement
    left join group_level as by_group
        on
            spine.group_key = by_group.group_key
            and spine.service_key = by_group.service_key
),

final as (
    select
        group_key,
        months_since_settlement,
        sex,
        age_group,
        service_key,
        last_observed_month,
        rate_level,
        cast(rate_events as bigint) as rate_events,
        round(rate_person_months, 10) as rate_person_months,
        {{ round_significant('rate_events / rate_person_months') }} as rate_per_person_month,
        {{ round_significant('rate_events / (rate_person_months * rate_person_months)') }} as rate_variance
    from chosen
)

select * from final
