{#- Layers get their own plain schema names (staging, core, marts) so that grants to BI users
    can name `marts` alone; dbt's default would prefix the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
