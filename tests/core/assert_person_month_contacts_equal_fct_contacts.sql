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

contact_totals as (
    select
        service_key,
        count(*) as fact_contacts
    from contacts
    group by service_key
    union all
    select
        replace(service_key, '_contact', '_consultation') as service_key,
        count(*) as fact_contacts
    from contacts
    where is_consultation and service_key in ('gp_contact', 'out_of_hours_contact')
    group by service_key
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
