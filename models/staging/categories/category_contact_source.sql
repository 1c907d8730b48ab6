-- The files a contact can come from (macros/report_services.sql, contact_sources()).
with

contact_sources as (
    select cast(null as string) as category_value
    where false
    {%- for contact_source in contact_sources() %}
        union all
        select '{{ contact_source }}' as category_value
    {%- endfor %}
)

select * from contact_sources
