{#- Per group x calendar month x month since settlement: persons followed in the month and persons with
    at least one contact that month, per Figure 3 service (second and last full pass over
    fct_person_months besides int_annual_rate_strata). -#}
{%- set combined = combined_services() -%}
{%- set services = var('monthly_share_services') -%}
{%- set count_expressions = {} -%}
{%- set persons_columns = [] -%}
{%- for service_key in services -%}
    {%- if service_key in combined -%}
        {%- set parts_sum = '(' ~ (combined[service_key] | join('_count + ')) ~ '_count)' -%}
        {%- do count_expressions.update({service_key: parts_sum}) -%}
    {%- else -%}
        {%- do count_expressions.update({service_key: service_key ~ '_count'}) -%}
    {%- endif -%}
    {%- do persons_columns.append(service_key ~ '_persons') -%}
{%- endfor %}

with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

monthly_totals as (
    select
        group_key,
        month_start_date,
        months_since_settlement,
        {% for service_key in services -%}
            count(*) filter (where {{ count_expressions[service_key] }} > 0) as {{ service_key }}_persons,
        {% endfor -%}
        count(*) as persons_followed
    from person_months
    where person_months > 0
    group by group_key, month_start_date, months_since_settlement
),

service_rows as (
    select
        -- Plain text again (fct_person_months holds it as a category, macros/categorical.sql).
        cast(group_key as {{ dbt.type_string() }}) as group_key,
        month_start_date,
        months_since_settlement,
        persons_followed,
        {{ unpivoted(services, persons_columns, 'service_key', 'persons_with_contact') }}
    from monthly_totals
),

final as (
    select
        group_key,
        month_start_date,
        months_since_settlement,
        service_key,
        cast(persons_followed as bigint) as persons_followed,
        cast(persons_with_contact as bigint) as persons_with_contact
    from service_rows
)

select * from final
