{#- One entry per base model: (model, source as register.file, record key expression). The record key
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

final as (
    select * from staging_rejections
    union all
    select * from classification_rejections
)

select * from final
