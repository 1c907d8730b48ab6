{#- End-to-end conservation: every raw row is used or audited, also where a row needs a row of another
    file. For every file: raw rows = audited rows (int_staging_rejections, any stage) + rows whose links
    hold: a tariff row on a staged bill (counted per bill in int_bills_classified), a diagnosis row on an
    accepted bill, a bill, HOM decision, NPR episode or residence of a staged person, and a staged person.
    The links are counted here (count_rows_with_parent, macros/rows_without_parent.sql), independently of
    the way the audit model finds the rows whose links fail (rows_without_parent). Fails with one row per
    file that does not add up. The staged persons and accepted bills are relations here, not CTEs: DuckDB
    materialises a CTE that is read more than once. -#}
{%- set dense_person_ids = var('person_id_type') | lower not in ['varchar', 'text', 'string'] -%}
{%- set staged_persons = ref('stg_ssb__persons') -%}
{%- set accepted_bills = "(select bill_id, person_id from " ~ ref('int_bills_classified')
    ~ " where rejection_reason is null)" -%}
with

rejections as (
    select * from {{ ref('int_staging_rejections') }}
),

linked_counts as (
    select
        'ssb.persons' as source_name,
        (select count(*) from {{ source('ssb', 'persons') }}) as raw_row_count,
        (select count(*) from {{ ref('stg_ssb__persons') }}) as linked_row_count
    union all
    select
        'ssb.residence' as source_name,
        (select count(*) from {{ source('ssb', 'residence') }}) as raw_row_count,
        (
            {{ count_rows_with_parent(
                ref('stg_ssb__residences'), 'person_id', staged_persons, 'person_id', dense_person_ids
            ) }}
        ) as linked_row_count
    union all
    select
        'kpr.kuhr_regninger' as source_name,
        (select count(*) from {{ source('kpr', 'kuhr_regninger') }}) as raw_row_count,
        (
            {{ count_rows_with_parent(accepted_bills, 'person_id', staged_persons, 'person_id', dense_person_ids) }}
        ) as linked_row_count
    union all
    select
        'kpr.kuhr_takster' as source_name,
        (select count(*) from {{ source('kpr', 'kuhr_takster') }}) as raw_row_count,
        (select coalesce(sum(tariff_row_count), 0) from {{ ref('int_bills_classified') }}) as linked_row_count
    union all
    select
        'kpr.kuhr_diagnoser' as source_name,
        (select count(*) from {{ source('kpr', 'kuhr_diagnoser') }}) as raw_row_count,
        (
            {{ count_rows_with_parent(ref('stg_kpr__bill_diagnoses'), 'bill_id', accepted_bills, 'bill_id') }}
        ) as linked_row_count
    {% for register_name, table_name, staging_model in [
        ('kpr', 'hom_vedtak', 'stg_kpr__home_care_decisions'),
        ('npr', 'somatikk', 'stg_npr__somatic_episodes'),
        ('npr', 'phv', 'stg_npr__adult_mental_health_episodes'),
        ('npr', 'phbu', 'stg_npr__child_mental_health_episodes'),
    ] %}
        union all
        select
            '{{ register_name }}.{{ table_name }}' as source_name,
            (select count(*) from {{ source(register_name, table_name) }}) as raw_row_count,
            (
                {{ count_rows_with_parent(
                    ref(staging_model), 'person_id', staged_persons, 'person_id', dense_person_ids
                ) }}
            ) as linked_row_count
    {% endfor %}
),

audited_counts as (
    select
        source_name,
        count(*) as audited_row_count
    from rejections
    group by source_name
),

final as (
    select
        linked_counts.source_name,
        linked_counts.raw_row_count,
        linked_counts.linked_row_count,
        coalesce(audited_counts.audited_row_count, 0) as audited_row_count
    from linked_counts
    left join audited_counts
        on linked_counts.source_name = audited_counts.source_name
)

select * from final
where raw_row_count <> linked_row_count + audited_row_count
