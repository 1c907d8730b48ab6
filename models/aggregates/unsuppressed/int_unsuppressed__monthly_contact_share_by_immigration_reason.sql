{#- Figure 3 by immigration reason before disclosure control: for the recent groups, per immigration reason
    (Igrus2 71 refugee, 74 family reunified) x month since settlement x Figure 3 service, persons followed in
    the month, persons with at least one contact that month, the share with its Wilson CI. Persons by reason
    come from int_immigration_reason_persons, the monthly counts from one pass over the recent groups'
    person-months (fct_person_months, restricted to months since settlement). A table: wilson_ci calls the
    gamma_quantile UDF. -#}
{{ config(materialized='table') }}
{%- set combined = combined_services() -%}
{%- set services = var('monthly_share_services') -%}
{%- set with_contact, followed = 'service_rows.persons_with_contact', 'service_rows.persons_followed' -%}
{%- set persons_columns = [] -%}
{%- for service_key in services -%}
    {%- do persons_columns.append(service_key ~ '_persons') -%}
{%- endfor %}

with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

reason_persons as (
    select * from {{ ref('int_immigration_reason_persons') }}
),

immigration_reasons as (
    select * from {{ ref('immigration_reasons') }}
),

monthly_totals as (
    select
        reason_persons.group_key,
        reason_persons.immigration_reason_key,
        person_months.months_since_settlement,
        {% for service_key in services -%}
            {%- set parts = combined[service_key] if service_key in combined else [service_key] -%}
            {%- set count_sum = 'person_months.' ~ (parts | join('_count + person_months.')) ~ '_count' -%}
            count(*) filter (where ({{ count_sum }}) > 0) as {{ service_key }}_persons,
        {% endfor -%}
        count(*) as persons_followed
    from person_months
    inner join reason_persons
        on person_months.person_id = reason_persons.person_id
    where person_months.person_months > 0 and person_months.months_since_settlement is not null
    group by reason_persons.group_key, reason_persons.immigration_reason_key, person_months.months_since_settlement
),

-- Denominator first: both reasons in every month the group has, with 0 persons where a reason has none, so
-- that the two always add up to the group's cell (a reason missing from a month would leave the other alone
-- against the group's published total).
group_months as (
    select distinct
        group_key,
        months_since_settlement
    from monthly_totals
),

complete_months as (
    select
        group_months.group_key,
        immigration_reasons.immigration_reason_key,
        group_months.months_since_settlement,
        {% for service_key in services -%}
            coalesce(monthly_totals.{{ service_key }}_persons, 0) as {{ service_key }}_persons,
        {% endfor -%}
        coalesce(monthly_totals.persons_followed, 0) as persons_followed
    from group_months
    cross join immigration_reasons
    left join monthly_totals
        on
            group_months.group_key = monthly_totals.group_key
            and group_months.months_since_settlement = monthly_totals.months_since_settlement
            and immigration_reasons.immigration_reason_key = monthly_totals.immigration_reason_key
),

service_rows as (
    select
        group_key,
        immigration_reason_key,
        months_since_settlement,
        persons_followed,
        {{ unpivoted(services, persons_columns, 'service_key', 'persons_with_contact') }}
    from complete_months
),

final as (
    select
        service_rows.group_key,
        service_rows.immigration_reason_key,
        coalesce(immigration_reasons.sort_order, 99) as immigration_reason_sort_order,
        service_rows.months_since_settlement,
        service_rows.service_key,
        cast(service_rows.persons_followed as bigint) as persons_followed,
        cast(service_rows.persons_with_contact as bigint) as persons_with_contact,
        -- Stored to 12 significant digits (macro round_significant), as the rates are.
        {{ round_significant(
            'cast(100 as double) * service_rows.persons_with_contact / nullif(service_rows.persons_followed, 0)'
        ) }}
            as pct_with_contact,
        {{ round_significant(wilson_ci(with_contact, followed, 'lower')) }} as pct_ci_lower,
        {{ round_significant(wilson_ci(with_contact, followed, 'upper')) }} as pct_ci_upper
    from service_rows
    left join immigration_reasons
        on service_rows.immigration_reason_key = immigration_reasons.immigration_reason_key
)

select * from final
