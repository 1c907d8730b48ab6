{#- Makes every source of the project readable by source(), before any model runs (on-run-start).
    On DuckDB nothing to do: a source's external_location (the _<register>__sources.yml files) is a
    read_parquet() of its file, with the file name and row number. On Spark each source becomes a view
    `<source>.<table>` over its Parquet file with the row number (0-based, as DuckDB's) from Spark's file
    metadata; no model reads the file name. -#}
{% macro register_extracts() -%}
    {{ return(adapter.dispatch('register_extracts')()) }}
{%- endmacro %}

{% macro default__register_extracts() -%}
    select 1
{%- endmacro %}

{% macro spark__register_extracts() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('RAW_DIR', 'data/raw') if '{{' in var('raw_dir') else var('raw_dir') -%}
        {%- for source_node in graph.sources.values() if source_node.package_name == project_name -%}
            {%- set path = raw_dir ~ '/' ~ source_node.source_name ~ '/' ~ source_node.name ~ '.parquet' -%}
            {%- call statement('schema_' ~ loop.index) -%}
                create database if not exists {{ source_node.schema }}
            {%- endcall -%}
            {%- call statement('view_' ~ loop.index) -%}
                create or replace view {{ source_node.schema }}.{{ source_node.identifier }} as
                select
                    *,
                    _metadata.row_index as file_row_number
                from parquet.`{{ path }}`
            {%- endcall -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
