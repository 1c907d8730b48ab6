{#- The audit: every raw register row that does not become part of the study, with the reason (the rules
    are listed in _audit__docs.md). Three stages, each row at the first that rejects it:
    1. the base models' rules on the row itself (damage, duplicates, implausible values);
    2. int_bills_classified: a bill without any tariff row;
    3. the links between files: a tariff or diagnosis row whose bill is not a staged bill ('bill rejected'
       when the bills file has the bill id but rejected it, 'bill missing' when it does not have it), and a
       bill, episode, decision or residence whose person is not a staged person ('person rejected',
       'person missing'). Diagnoses and persons' contacts link to the bills accepted in stage 2.
    One entry per base model: (model, source as register.file, record key expression). The record key
    is the row's natural key as text, composite keys joined with '|'. -#}
{%- set base_models = [
    ('base_ssb__persons', 'ssb.persons', "cast(person_id as string)"),
    ('base_ssb__residences', 'ssb.residence', "concat_ws('|', person_id, residence_year)"),
    ('base_kpr__bills', 'kpr.kuhr_regninger', "cast(bill_id as string)"),
    ('base_kpr__bill_tariffs', 'kpr.kuhr_takster', "concat_ws('|', bill_id, tariff_code)"),
    ('base_kpr__bill_diagnoses', 'kpr.kuhr_diagnoser', "concat_ws('|', bill_id, code_system, diagnosis_code)"),
    ('base_kpr__home_care_decisions', 'kpr.hom_vedtak', "cast(decision_id as string)"),
    ('base_npr__somatic_episodes', 'npr.somatikk', "cast(episode_id as string)"),
    ('base_npr__adult_mental_health_episodes', 'npr.phv', "cast(episode_id as string)"),
    ('base_npr__child_mental_health_episodes', 'npr.phbu', "cast(episode_id as string)"),
] -%}

{%- set dense_person_ids = var('person_id_type') | lower not in ['varchar', 'text', 'string'] -%}
{#- Relations, not CTEs, go into rows_without_parent, which reads each twice: DuckDB materialises a CTE that
    is read twice, and materialising the bills or tariff rows would cost a full copy of them. -#}
{%- set accepted_bills -%}
    (select bill_id, person_id, source_row_number from {{ ref('int_bills_classified') }} where rejection_reason is null)
{%- endset -%}
{#- Stage 3, the parents a row links to: its key, the file's base model that says whether the file delivers
    the key at all ('<parent> rejected' or '<parent> missing'), and whether keys are serial integers. -#}
{%- set parents = {
    'bill': ('bill_id', ref('base_kpr__bills'), true),
    'person': ('person_id', ref('base_ssb__persons'), dense_person_ids),
} -%}
{#- The links: (source as register.file, its staged rows, the record key expression, the parent, the
    parent's rows it must match). Diagnoses and persons' bills link to the bills accepted in stage 2. -#}
{%- set links = [
    ('kpr.kuhr_takster', ref('stg_kpr__bill_tariffs'), "concat_ws('|', bill_id, tariff_code)", 'bill',
        ref('stg_kpr__bills')),
    ('kpr.kuhr_diagnoser', ref('stg_kpr__bill_diagnoses'), "concat_ws('|', bill_id, code_system, diagnosis_code)",
        'bill', accepted_bills),
    ('ssb.residence', ref('stg_ssb__residences'), "concat_ws('|', person_id, residence_year)", 'person',
        ref('stg_ssb__persons')),
    ('kpr.kuhr_regninger', accepted_bills, "cast(bill_id as string)", 'person', ref('stg_ssb__persons')),
    ('kpr.hom_vedtak', ref('stg_kpr__home_care_decisions'), "cast(decision_id as string)", 'person',
        ref('stg_ssb__persons')),
    ('npr.somatikk', ref('stg_npr__somatic_episodes'), "cast(episode_id as string)", 'person',
        ref('stg_ssb__persons')),
    ('npr.phv', ref('stg_npr__adult_mental_health_episodes'), "cast(episode_id as string)", 'person',
        ref('stg_ssb__persons')),
    ('npr.phbu', ref('stg_npr__child_mental_health_episodes'), "cast(episode_id as string)", 'person',
        ref('stg_ssb__persons')),
] -%}
with

{% for model_name, source_name, record_key in base_models %}
    {{ model_name }} as (
        select * from {{ ref(model_name) }}
    ),

{% endfor -%}
bills_classified as (
    select * from {{ ref('int_bills_classified') }}
),

staging_rejections as (
    {% for model_name, source_name, record_key in base_models -%}
        select
            '{{ source_name | replace('.', '/') }}.parquet' as source_file,
            '{{ source_name }}' as source_name,
            source_row_number,
            nullif({{ record_key }}, '') as record_key,
            rejection_reason,
            '{{ model_name }}' as rejected_by_model
        from {{ model_name }}
        where rejection_reason is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

classification_rejections as (
    select
        'kpr/kuhr_regninger.parquet' as source_file,
        'kpr.kuhr_regninger' as source_name,
        source_row_number,
        cast(bill_id as string) as record_key,
        rejection_reason,
        'int_bills_classified' as rejected_by_model
    from bills_classified
    where rejection_reason is not null
),

-- Stage 3: the links between files.
{% for source_name, staged, record_key, parent, parent_rows in links %}
    {{ source_name | replace('.', '_') }}_without_{{ parent }} as (
        {{ rows_without_parent(
            staged, parents[parent][0], parent_rows, parents[parent][0], dense_integer=parents[parent][2]
        ) }}
    ),

{% endfor -%}
{% for parent, spec in parents.items() %}
    {%- set key, delivering_model = spec[0], spec[1] %}
    {{ parent }}_linked_rows as (
        {% for source_name, staged, record_key, link_parent, parent_rows in links if link_parent == parent -%}
            select
                '{{ source_name }}' as source_name,
                source_row_number,
                {{ key }} as parent_key,
                {{ record_key }} as record_key
            from {{ source_name | replace('.', '_') }}_without_{{ parent }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    -- The keys of those rows that the parent's file delivers (and staging rejected): a small set looked up
    -- in the file's rows, not the file's rows looked up in it.
    delivered_{{ parent }}_keys as (
        select distinct {{ key }} as parent_key
        from {{ delivering_model }}
        where {{ key }} in (select {{ parent }}_linked_rows.parent_key from {{ parent }}_linked_rows)
    ),

    {{ parent }}_link_rejections as (
        select
            replace({{ parent }}_linked_rows.source_name, '.', '/') || '.parquet' as source_file,
            {{ parent }}_linked_rows.source_name,
            {{ parent }}_linked_rows.source_row_number,
            {{ parent }}_linked_rows.record_key,
            case
                when delivered_{{ parent }}_keys.parent_key is null then '{{ parent }} missing'
                else '{{ parent }} rejected'
            end as rejection_reason,
            'int_staging_rejections' as rejected_by_model
        from {{ parent }}_linked_rows
        left join delivered_{{ parent }}_keys
            on {{ parent }}_linked_rows.parent_key = delivered_{{ parent }}_keys.parent_key
    ),

{% endfor -%}
final as (
    select * from staging_rejections
    union all
    select * from classification_rejections
    union all
    select * from bill_link_rejections
    union all
    select * from person_link_rejections
)

select * from final
