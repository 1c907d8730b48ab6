{#- Per group x calendar month x month since settlement: persons followed in the month and persons with
    at least one contact that month, per Figure 3 service (second and last pass over fct_person_months
    besides int_annual_rate_strata). -#}
{%- set combined = combined_services() -%}
{%- set services = var('monthly_share_services') -%}

with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

person_month_contacts as (
    select
        group_key,
        month_start_date,
        months_since_settlement,
        {%- for service_key in services %}
        {%- if service_key in combined %}
        {% for part in combined[service_key] -%}
            {{ part }}_count{{ " + " if not loop.last }}
        {%- endfor %} as {{ service_key }}_count{{ "," if not loop.last }}
        {%- else %}
        {{ service_key }}_count{{ "," if not loop.last }}
        {%- endif %}
        {%- endfor %}
    from person_months
    where person_months > 0
),

monthly_totals as (
    select
        group_key,
        month_start_date,
        months_since_settlement,
        count(*) as persons_followed,
        {%- for service_key in services %}
        count(*) filter (where {{ service_key }}_count > 0) as {{ service_key }}_persons{{ "," if not loop.last }}
        {%- endfor %}
    from person_month_contacts
    group by group_key, month_start_date, months_since_settlement
),

service_rows as (
    {%- for service_key in services %}
    select
        group_key,
        month_start_date,
        months_since_settlement,
        '{{ service_key }}' as service_key,
        persons_followed,
        {{ service_key }}_persons as persons_with_contact
    from monthly_totals
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
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
