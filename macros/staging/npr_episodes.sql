{#- NPR delivers one file per sector (somatikk, phv, phbu) with the same columns, so the three base models
    and the three staging models share their SQL here; each model only names its own source or base model
    (which is also how dbt sees the dependency). -#}

{#- Typed, decoded and numbered episodes of one NPR file, every row kept with a rejection_reason. -#}
{% macro npr_episodes_base(source_relation) -%}
    with

    -- Exact copies and repeated keys, numbered in file order (macros/number_duplicates.sql). The macro reads
    -- the file itself: it scans it more than once, and a CTE read several times would be held in memory.
    numbered as (
        {{ number_duplicates(
            source_relation,
            content_columns=[
                'episode_lnr', 'lopenr', 'inndato', 'utdato', 'aktivitetskategori3', 'tilstand_1_1',
                'tilstand_1_2', 'tilstand_2_1', 'institusjon'
            ],
            key_columns=['episode_lnr'],
            key_number_name='episode_id_number',
            dense_integer_column='episode_lnr',
            normalised={
                'tilstand_1_1': "replace(upper(trim(cast(tilstand_1_1 as string))), '.', '')",
                'tilstand_1_2': "replace(upper(trim(cast(tilstand_1_2 as string))), '.', '')",
                'tilstand_2_1': "replace(upper(trim(cast(tilstand_2_1 as string))), '.', '')",
                'institusjon': 'trim(cast(institusjon as string))'
            }
        ) }}
    ),

    renamed as (
        select
            file_row_number + 1 as source_row_number,
            cast(episode_lnr as bigint) as episode_id,
            {{ stage_person_id('lopenr') }} as person_id,
            lopenr as delivered_person_id,
            cast(inndato as date) as admission_date,
            cast(utdato as date) as discharge_date,
            cast(aktivitetskategori3 as smallint) as care_level_code,
            {{ normalised_diagnosis_code('tilstand_1_1') }} as reported_main_condition_code,
            {{ normalised_diagnosis_code('tilstand_1_2') }} as reported_further_condition_code_1,
            {{ normalised_diagnosis_code('tilstand_2_1') }} as reported_further_condition_code_2,
            nullif(trim(cast(institusjon as string)), '') as institution_code,
            exact_duplicate_number,
            episode_id_number_versions
        from numbered
    ),

    final as (
        select
            source_row_number,
            episode_id,
            person_id,
            admission_date,
            discharge_date,
            care_level_code,
            -- Fixed decoding of aktivitetskategori3 from the extract contract (docs/extracts.md).
            case care_level_code
                when 1 then 'inpatient'
                when 2 then 'day'
                when 3 then 'outpatient'
            end as care_level,
            -- An episode is a contact whatever its codes; a malformed ICD-10 code is blanked, not the episode.
            case
                when {{ matches_fully("reported_main_condition_code", '[A-Z][0-9]{2}[0-9A-Z]*') }}
                    then reported_main_condition_code
            end as main_condition_code,
            case
                when {{ matches_fully("reported_further_condition_code_1", '[A-Z][0-9]{2}[0-9A-Z]*') }}
                    then reported_further_condition_code_1
            end as further_condition_code_1,
            case
                when {{ matches_fully("reported_further_condition_code_2", '[A-Z][0-9]{2}[0-9A-Z]*') }}
                    then reported_further_condition_code_2
            end as further_condition_code_2,
            coalesce(
                not {{ matches_fully("reported_main_condition_code", '[A-Z][0-9]{2}[0-9A-Z]*') }}
                or not {{ matches_fully("reported_further_condition_code_1", '[A-Z][0-9]{2}[0-9A-Z]*') }}
                or not {{ matches_fully("reported_further_condition_code_2", '[A-Z][0-9]{2}[0-9A-Z]*') }},
                false
            ) as has_invalid_condition_code,
            institution_code,
            case
                when exact_duplicate_number > 1 then 'exact duplicate row'
                when episode_id is null then 'missing episode id'
                when episode_id_number_versions > 1 then 'conflicting duplicate episode id'
                when person_id is null then {{ person_id_rejection('delivered_person_id') }}
                when admission_date is null then 'missing date'
                when {{ implausible_date_reason('admission_date') }} is not null
                    then {{ implausible_date_reason('admission_date') }}
                when discharge_date < admission_date then 'discharge before admission'
                -- No discharge date: still admitted, kept (the admission is the contact).
                when discharge_date > {{ extract_date() }} then 'discharge after the extract date'
                when care_level_code is null then 'missing care level'
                when care_level is null then 'unknown care level'
            end as rejection_reason
        from renamed
    )

    select * from final
{%- endmacro %}

{#- The usable episodes of one NPR file: the base model's rows without a rejection_reason. -#}
{% macro npr_episodes_staged(base_relation) -%}
    with

    base_episodes as (
        select * from {{ base_relation }}
    ),

    final as (
        select
            episode_id,
            person_id,
            admission_date,
            discharge_date,
            care_level_code,
            care_level,
            main_condition_code,
            further_condition_code_1,
            further_condition_code_2,
            has_invalid_condition_code,
            institution_code,
            source_row_number
        from base_episodes
        where rejection_reason is null
    )

    select * from final
{%- endmacro %}
