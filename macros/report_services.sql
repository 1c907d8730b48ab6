{#- The Table 2 service rows, which are also the `<service_key>_count` columns of fct_person_months.
    Column names cannot come from a seed at parse time, so this list is the single place they are
    written; seeds/services.csv carries the same keys with their labels, and a test keeps the two equal.
    `somatic_any` and `mental_any` are sums of the rows named in `parts`. -#}
{% macro report_services() -%}
    {{ return([
        'gp_contact', 'gp_consultation',
        'out_of_hours_contact', 'out_of_hours_consultation',
        'midwife', 'dental_treatment', 'dental_other',
        'somatic_day', 'somatic_inpatient', 'somatic_outpatient',
        'mental_adult_day', 'mental_adult_inpatient', 'mental_adult_outpatient',
        'mental_child_day', 'mental_child_inpatient', 'mental_child_outpatient',
        'home_care_decision', 'institution_care_decision'
    ]) }}
{%- endmacro %}

{% macro combined_services() -%}
    {{ return({
        'somatic_any': ['somatic_day', 'somatic_inpatient', 'somatic_outpatient'],
        'mental_any': [
            'mental_adult_day', 'mental_adult_inpatient', 'mental_adult_outpatient',
            'mental_child_day', 'mental_child_inpatient', 'mental_child_outpatient'
        ]
    }) }}
{%- endmacro %}

{#- Which contacts of fct_contacts a report service counts, as a condition on a contact row: the contacts
    of that service, or, for a consultation row of var consultation_services, the contacts of the service it
    names that carry a consultation tariff. The one place the rule is written in SQL. -#}
{% macro service_contacts_condition(service_key) -%}
    {%- set consultation_services = var('consultation_services') -%}
    {%- if service_key in consultation_services -%}
        service_key = '{{ consultation_services[service_key] }}' and is_consultation
    {%- else -%}
        service_key = '{{ service_key }}'
    {%- endif -%}
{%- endmacro %}

{#- The values of contact_source: which file a contact comes from (int_contacts_unioned), as categories
    of fct_contacts and fct_contact_diagnoses, which join on them. -#}
{% macro contact_sources() -%}
    {{ return(['kuhr', 'npr_somatic', 'npr_mental_adult', 'npr_mental_child', 'hom']) }}
{%- endmacro %}

{#- The `<service_key>_count` column names of fct_person_months, in report_services() order (the order
    their counts are packed in, macros/packed_counts.sql). -#}
{% macro report_service_count_columns() -%}
    {%- set columns = [] -%}
    {%- for service_key in report_services() -%}
        {%- do columns.append(service_key ~ '_count') -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
