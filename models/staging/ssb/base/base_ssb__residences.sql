with

-- Lookup join in staging: an unknown municipality code rejects the row, and rejection happens here.
municipality_codes as (
    select * from {{ ref('base_ssb__municipality_codes') }}
),

-- Exact copies and repeated keys, numbered in file order (macros/number_duplicates.sql). The macro reads
-- the file itself: it scans it more than once, and a CTE read several times would be held in memory.
numbered as (
    {{ number_duplicates(
        source('ssb', 'residence'),
        content_columns=['lopenr', 'aargang', 'komm_nr'],
        key_columns=['lopenr', 'aargang'],
        key_number_name='person_year_number',
        dense_integer_column='lopenr',
        normalised={'komm_nr': 'trim(cast(komm_nr as string))'}
    ) }}
),

renamed as (
    select
        numbered.file_row_number + 1 as source_row_number,
        {{ stage_person_id('numbered.lopenr') }} as person_id,
        numbered.lopenr as delivered_person_id,
        cast(numbered.aargang as integer) as residence_year,
        nullif(trim(cast(numbered.komm_nr as string)), '') as reported_municipality_code,
        numbered.exact_duplicate_number,
        numbered.person_year_number_versions
    from numbered
),

recoded as (
    select
        renamed.*,
        municipality_codes.municipality_code
    from renamed
    left join municipality_codes
        on lpad(renamed.reported_municipality_code, 4, '0') = municipality_codes.reported_municipality_code
),

final as (
    select
        source_row_number,
        person_id,
        residence_year,
        municipality_code,
        reported_municipality_code,
        case
            when exact_duplicate_number > 1 then 'exact duplicate row'
            when person_id is null then {{ person_id_rejection('delivered_person_id') }}
            when residence_year is null then 'missing year'
            when person_year_number_versions > 1 then 'conflicting duplicate person-year'
            when reported_municipality_code is null then 'missing municipality code'
            when municipality_code is null then 'unknown municipality code'
        end as rejection_reason
    from recoded
)

select * from final
