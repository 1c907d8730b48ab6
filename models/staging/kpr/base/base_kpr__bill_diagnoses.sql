{#- Code system and diagnosis code as categories (macros/categorical.sql): text columns of ~70 million
    rows cost seconds to write and to compare downstream. -#}
{%- set diagnosis_code_expression = normalised_diagnosis_code('diagnosekode') -%}
{%- set code_system_expression = normalised_code_system('kodeverk') -%}
with

-- Exact copies and repeated keys, numbered in file order (macros/number_duplicates.sql). The macro reads
-- the file itself: it scans it more than once, and a CTE read several times would be held in memory.
numbered as (
    {{ number_duplicates(
        source('kpr', 'kuhr_diagnoser'),
        content_columns=['enkeltregning_lnr', 'diagnosekode', 'kodeverk', 'er_hoveddiagnose'],
        dense_integer_column='enkeltregning_lnr',
        block_check='distinct_hashes',
        normalised={'diagnosekode': diagnosis_code_expression, 'kodeverk': code_system_expression}
    ) }}
),

renamed as (
    select
        file_row_number + 1 as source_row_number,
        cast(enkeltregning_lnr as bigint) as bill_id,
        {{ diagnosis_code_expression }} as diagnosis_code,
        {{ code_system_expression }} as code_system,
        -- A missing flag means the row was not marked as the main diagnosis.
        coalesce(cast(er_hoveddiagnose as boolean), false) as is_main_diagnosis,
        exact_duplicate_number
    from numbered
),

validated as (
    select
        *,
        -- The code shape each accepted code system allows (null: code system not accepted).
        case code_system
            when 'ICPC-2' then {{ matches_fully("coalesce(diagnosis_code, '')", '[A-Z][0-9]{2}') }}
            when 'ICD-10' then {{ matches_fully("coalesce(diagnosis_code, '')", '[A-Z][0-9]{2}[0-9A-Z]*') }}
        end as has_valid_shape
    from renamed
),

final as (
    select
        source_row_number,
        bill_id,
        {{ categorical('diagnosis_code', ref('category_diagnosis_code')) }} as diagnosis_code,
        {{ categorical('code_system', ref('category_code_system')) }} as code_system,
        is_main_diagnosis,
        case
            when exact_duplicate_number > 1 then 'exact duplicate row'
            when bill_id is null then 'missing bill id'
            when diagnosis_code is null then 'missing diagnosis code'
            when has_valid_shape is null then 'unknown code system'
            when not has_valid_shape then 'invalid diagnosis code'
        end as rejection_reason
    from validated
)

select * from final
