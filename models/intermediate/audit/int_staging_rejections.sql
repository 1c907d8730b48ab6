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
    ('base_ssb__persons', 'ssb.persons', "cast(person_id as varchar)"),
    ('base_ssb__residences', 'ssb.residence', "concat_ws('|', person_id, residence_year)"),
    ('base_kpr__bills', 'kpr.kuhr_regninger', "cast(bill_id as varchar)"),
    ('base_kpr__bill_tariffs', 'kpr.kuhr_takster', "concat_ws('|', bill_id, tariff_code)"),
    ('base_kpr__bill_diagnoses', 'kpr.kuhr_diagnoser', "concat_ws('|', bill_id, code_system, diagnosis_code)"),
    ('base_kpr__home_care_decisions', 'kpr.hom_vedtak', "cast(decision_id as varchar)"),
    ('base_npr__somatic_episodes', 'npr.somatikk', "cast(episode_id as varchar)"),
    ('base_npr__adult_mental_health_episodes', 'npr.phv', "cast(episode_id as varchar)"),
    ('base_npr__child_mental_health_episodes', 'npr.phbu', "cast(episode_id as varchar)"),
] -%}

{%- set dense_person_ids = var('person_id_type') | lower not in ['varchar', 'text', 'string'] -%}
{#- Relations, not CTEs, go into rows_without_parent, which reads each twice: DuckDB materialises a CTE that
    is read twice, and a 70-million-row CTE costs tens of seconds at national scale. -#}
{%- set accepted_bills -%}
    (select bill_id, person_id, source_row_number from {{ ref('int_bills_classified') }} where rejection_reason is null)
{%- endset -%}
{#- Stage 3: (source as register.file, the staged rows with a person_id, the record key expression). -#}
{%- set person_linked = [
    ('ssb.residence', ref('stg_ssb__residences'), "concat_ws('|', person_id, residence_year)"),
    ('kpr.kuhr_regninger', accepted_bills, "cast(bill_id as varchar)"),
    ('kpr.hom_vedtak', ref('stg_kpr__home_care_decisions'), "cast(decision_id as varchar)"),
    ('npr.somatikk', ref('stg_npr__somatic_episodes'), "cast(episode_id as varchar)"),
    ('npr.phv', ref('stg_npr__adult_mental_health_episodes'), "cast(episode_id as varchar)"),
    ('npr.phbu', ref('stg_npr__child_mental_health_episodes'), "cast(episode_id as varchar)"),
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
        cast(bill_id as varchar) as record_key,
        rejection_reason,
        'int_bills_classified' as rejected_by_model
    from bills_classified
    where rejection_reason is not null
),

-- Stage 3: the links between files.
tariffs_without_bill as (
    {{ rows_without_parent(ref('stg_kpr__bill_tariffs'), 'bill_id', ref('stg_kpr__bills'), 'bill_id') }}
),

diagnoses_without_bill as (
    {{ rows_without_parent(ref('stg_kpr__bill_diagnoses'), 'bill_id', accepted_bills, 'bill_id') }}
),

bill_linked_rows as (
    select
        'kpr.kuhr_takster' as source_name,
        source_row_number,
        bill_id,
        concat_ws('|', bill_id, tariff_code) as record_key
    from tariffs_without_bill
    union all
    select
        'kpr.kuhr_diagnoser' as source_name,
        source_row_number,
        bill_id,
        concat_ws('|', bill_id, code_system, diagnosis_code) as record_key
    from diagnoses_without_bill
),

-- The bill ids of those rows that the bills file delivers (and staging rejected): a small set looked up in
-- the bills, not the bills looked up in it.
delivered_bill_ids as (
    select distinct bill_id
    from {{ ref('base_kpr__bills') }}
    where bill_id in (select bill_linked_rows.bill_id from bill_linked_rows)
),

bill_link_rejections as (
    select
        replace(bill_linked_rows.source_name, '.', '/') || '.parquet' as source_file,
        bill_linked_rows.source_name,
        bill_linked_rows.source_row_number,
        bill_linked_rows.record_key,
        case when delivered_bill_ids.bill_id is null then 'bill missing' else 'bill rejected' end
            as rejection_reason,
        'int_staging_rejections' as rejected_by_model
    from bill_linked_rows
    left join delivered_bill_ids
        on bill_linked_rows.bill_id = delivered_bill_ids.bill_id
),

{% for source_name, staged, record_key in person_linked %}
    {{ source_name | replace('.', '_') }}_without_person as (
        {{ rows_without_parent(
            staged, 'person_id', ref('stg_ssb__persons'), 'person_id', dense_integer=dense_person_ids
        ) }}
    ),

{% endfor -%}
person_linked_rows as (
    {% for source_name, staged, record_key in person_linked -%}
        select
            '{{ source_name }}' as source_name,
            source_row_number,
            person_id,
            {{ record_key }} as record_key
        from {{ source_name | replace('.', '_') }}_without_person
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

delivered_person_ids as (
    select distinct person_id
    from {{ ref('base_ssb__persons') }}
    where person_id in (select person_linked_rows.person_id from person_linked_rows)
),

person_link_rejections as (
    select
        replace(person_linked_rows.source_name, '.', '/') || '.parquet' as source_file,
        person_linked_rows.source_name,
        person_linked_rows.source_row_number,
        person_linked_rows.record_key,
        case when delivered_person_ids.person_id is null then 'person missing' else 'person rejected' end
            as rejection_reason,
        'int_staging_rejections' as rejected_by_model
    from person_linked_rows
    left join delivered_person_ids
        on person_linked_rows.person_id = delivered_person_ids.person_id
),

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
