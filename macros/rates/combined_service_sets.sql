{#- A select (for a CTE body) with one row per service_key of combined_services() and of its parts:
    service_key, service_set_key (the combined key) and is_set_total. These are the additive sets of a mart
    keyed by service (somatic_any = day + inpatient + outpatient; mental_any = the six mental health
    rows) that complementary suppression must protect. Services in no set are absent. -#}
{% macro combined_service_sets() -%}
    {%- set rows = [] -%}
    {%- for combined_key, parts in combined_services().items() -%}
        {%- do rows.append((combined_key, combined_key, 'true')) -%}
        {%- for part in parts -%}
            {%- do rows.append((part, combined_key, 'false')) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for service_key, set_key, is_total in rows %}
    select
        '{{ service_key }}' as service_key,
        '{{ set_key }}' as service_set_key,
        {{ is_total }} as is_set_total
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
