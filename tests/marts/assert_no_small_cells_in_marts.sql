{#- Disclosure scan: no published count in any mart may be 0..suppression_threshold (1..threshold when
    suppress_zero is false). Every column of a model under models/marts/ that its YAML marks
    `config: meta: disclosure_count: true` is scanned; a mart with no such column fails the test too, so
    that a new mart cannot escape the scan. Returns one row per offending mart/column with the number of
    offending rows. dbt needs a depends_on hint per mart (a new mart without one fails to compile, which
    is the point). -#}
-- depends_on: {{ ref('population_by_group') }}
-- depends_on: {{ ref('contacts_by_group') }}
-- depends_on: {{ ref('consultation_time_interpreter_share') }}
-- depends_on: {{ ref('annual_rates') }}
-- depends_on: {{ ref('monthly_contact_share') }}
-- depends_on: {{ ref('age_sex_rates') }}
-- depends_on: {{ ref('time_to_first_contact') }}
-- depends_on: {{ ref('time_to_first_contact_survival') }}
-- depends_on: {{ ref('diagnosis_chapter_shares') }}
-- depends_on: {{ ref('municipality_rates') }}
-- depends_on: {{ ref('refugee_health_service_comparison') }}
-- depends_on: {{ ref('municipality_traffic_light') }}
-- depends_on: {{ ref('annual_rates_by_country_of_birth') }}
-- depends_on: {{ ref('contacts_by_country_of_birth') }}
-- depends_on: {{ ref('annual_rates_by_immigration_reason') }}
-- depends_on: {{ ref('monthly_contact_share_by_immigration_reason') }}
-- depends_on: {{ ref('time_to_first_contact_by_immigration_reason') }}
-- depends_on: {{ ref('planned_contacts') }}
{%- set threshold = var('suppression_threshold', 5) | int -%}
{%- set lowest = 0 if (var('suppress_zero', true) | string | lower) in ['true', '1', 'yes'] else 1 -%}
{%- set scans = [] -%}
{%- set unmarked_marts = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == project_name
            and node.original_file_path.startswith('models/marts/') -%}
            {%- set count_columns = [] -%}
            {%- for column in node.columns.values() -%}
                {%- set column_meta = column.get('meta', {}) or {} -%}
                {%- set column_config_meta = (column.get('config', {}) or {}).get('meta', {}) or {} -%}
                {%- if column_meta.get('disclosure_count') or column_config_meta.get('disclosure_count') -%}
                    {%- do count_columns.append(column.name) -%}
                    {%- do scans.append((node.name, column.name)) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if count_columns | length == 0 -%}
                {%- do unmarked_marts.append(node.name) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

with

scanned as (
    {% for mart_name, column_name in scans -%}
        select
            '{{ mart_name }}' as mart,
            '{{ column_name }}' as column_name,
            count(*) filter (where {{ column_name }} between {{ lowest }} and {{ threshold }}) as offending_rows
        from {{ ref(mart_name) }}
        union all
    {% endfor -%}
    -- A mart without any column marked disclosure_count fails: it would escape the scan.
    select
        cast(null as string) as mart,
        cast(null as string) as column_name,
        cast(0 as bigint) as offending_rows
    where false
    {%- for mart_name in unmarked_marts %}
        union all
        select
            '{{ mart_name }}' as mart,
            '(no column marked disclosure_count)' as column_name,
            cast(1 as bigint) as offending_rows
    {%- endfor %}
),

final as (
    select
        mart,
        column_name,
        offending_rows
    from scanned
    where offending_rows > 0
)

select * from final
