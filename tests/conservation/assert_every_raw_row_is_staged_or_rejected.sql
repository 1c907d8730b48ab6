{#- For every source file: raw rows = staged rows + rows rejected in its base model (int_staging_rejections).
    Fails with one row per file that does not add up. The list is the one place that pairs a source file
    with its staging model; the source() calls here are the only ones outside models/staging. -#}
{%- set staged_sources = [
    ('ssb', 'persons', 'stg_ssb__persons'),
    ('ssb', 'residence', 'stg_ssb__residences'),
    ('kpr', 'kuhr_regninger', 'stg_kpr__bills'),
    ('kpr', 'kuhr_takster', 'stg_kpr__bill_tariffs'),
    ('kpr', 'kuhr_diagnoser', 'stg_kpr__bill_diagnoses'),
    ('kpr', 'hom_vedtak', 'stg_kpr__home_care_decisions'),
    ('npr', 'somatikk', 'stg_npr__somatic_episodes'),
    ('npr', 'phv', 'stg_npr__adult_mental_health_episodes'),
    ('npr', 'phbu', 'stg_npr__child_mental_health_episodes'),
] -%}

with

rejections as (
    select * from {{ ref('int_staging_rejections') }}
),

file_counts as (
    {% for register_name, table_name, staging_model in staged_sources -%}
        select
            '{{ register_name }}.{{ table_name }}' as source_name,
            (select count(*) from {{ source(register_name, table_name) }}) as raw_row_count,
            (select count(*) from {{ ref(staging_model) }}) as staged_row_count
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rejected_counts as (
    select
        source_name,
        count(*) as rejected_row_count
    from rejections
    -- Bills without tariff rows are rejected after staging, so they are among the staged rows too.
    where left(rejected_by_model, 5) = 'base_'
    group by source_name
),

final as (
    select
        file_counts.source_name,
        file_counts.raw_row_count,
        file_counts.staged_row_count,
        coalesce(rejected_counts.rejected_row_count, 0) as rejected_row_count
    from file_counts
    left join rejected_counts
        on file_counts.source_name = rejected_counts.source_name
)

select * from final
where raw_row_count <> staged_row_count + rejected_row_count
