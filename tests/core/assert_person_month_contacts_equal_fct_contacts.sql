-- Every valid contact lands in exactly one person-month: per service, the sum of the <service>_count
-- columns of fct_person_months equals the count of fct_contacts. Fails with one row per service that differs.
with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

-- One scan of the (large) person-month table, then one row per service from that single row.
person_month_sums as (
    select
        {%- for service_key in report_services() %}
            sum({{ service_key }}_count) as {{ service_key }},
        {%- endfor %}
        count(*) as person_month_rows
    from person_months
),

person_month_totals as (
    {% for service_key in report_services() -%}
        select
            '{{ service_key }}' as service_key,
            {{ service_key }} as person_month_contacts
        from person_month_sums
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- One scan of fct_contacts too, each service counted by the rule of service_contacts_condition()
-- (macros/report_services.sql).
contact_sums as (
    select
        {%- for service_key in report_services() %}
            count(case when {{ service_contacts_condition(service_key) }} then 1 end) as {{ service_key }},
        {%- endfor %}
        -- A contact of a service with no count column would be lost from the person-months.
        count(case when service_key not in (
            {%- for service_key in report_services() if service_key not in var('consultation_services') %}
                '{{ service_key }}'{{ "," if not loop.last }}
            {%- endfor %}
        ) then 1 end) as contacts_of_no_report_service
    from contacts
),

contact_totals as (
    select
        'no report service' as service_key,
        contacts_of_no_report_service as fact_contacts
    from contact_sums
    {%- for service_key in report_services() %}
        union all
        select
            '{{ service_key }}' as service_key,
            {{ service_key }} as fact_contacts
        from contact_sums
    {%- endfor %}
),

final as (
    select
        coalesce(person_month_totals.service_key, contact_totals.service_key) as service_key,
        coalesce(person_month_totals.person_month_contacts, 0) as person_month_contacts,
        coalesce(contact_totals.fact_contacts, 0) as fact_contacts
    from person_month_totals
    full outer join contact_totals
        on person_month_totals.service_key = contact_totals.service_key
)

select * from final
where person_month_contacts <> fact_contacts
