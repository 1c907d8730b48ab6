{#- The 2024 municipality code and the practice type as categories (macros/categorical.sql): a text column
    of ~70 million rows costs seconds to write. The code as delivered is not kept: a row whose code is
    unknown is rejected here, and its source_row_number leads back to the raw row. -#}
with

-- Lookup join in staging: an unknown municipality code rejects the row, and rejection happens here.
municipality_codes as (
    select * from {{ ref('base_ssb__municipality_codes') }}
),

-- Exact copies and repeated keys, numbered in file order (macros/number_duplicates.sql). The macro reads
-- the file itself: it scans it more than once, and a CTE read several times would be held in memory.
numbered as (
    {{ number_duplicates(
        source('kpr', 'kuhr_regninger'),
        content_columns=[
            'enkeltregning_lnr', 'kpr_lnr', 'dato', 'klokkeslett', 'tjenestetype', 'praksistype',
            'kommunenr'
        ],
        key_columns=['enkeltregning_lnr'],
        key_number_name='bill_id_number',
        dense_integer_column='enkeltregning_lnr',
        normalised={
            'klokkeslett': 'trim(cast(klokkeslett as string))',
            'praksistype': 'upper(trim(cast(praksistype as string)))',
            'kommunenr': 'trim(cast(kommunenr as string))'
        }
    ) }}
),

renamed as (
    select
        numbered.file_row_number + 1 as source_row_number,
        cast(numbered.enkeltregning_lnr as bigint) as bill_id,
        {{ stage_person_id('numbered.kpr_lnr') }} as person_id,
        numbered.kpr_lnr as delivered_person_id,
        cast(numbered.dato as date) as contact_date,
        {{ parsed_clock_time('trim(cast(numbered.klokkeslett as string))') }} as contact_time,
        cast(numbered.tjenestetype as smallint) as service_type_code,
        {{ normalised_practice_type('numbered.praksistype') }} as practice_type_code,
        nullif(trim(cast(numbered.kommunenr as string)), '') as reported_municipality_code,
        numbered.exact_duplicate_number,
        numbered.bill_id_number_versions
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
        bill_id,
        person_id,
        contact_date,
        contact_time,
        service_type_code,
        {{ categorical('practice_type_code', ref('category_practice_type_code')) }} as practice_type_code,
        {{ categorical('municipality_code', ref('category_municipality_code')) }} as municipality_code,
        case
            when exact_duplicate_number > 1 then 'exact duplicate row'
            when bill_id is null then 'missing bill id'
            when bill_id_number_versions > 1 then 'conflicting duplicate bill id'
            when person_id is null then {{ person_id_rejection('delivered_person_id') }}
            when contact_date is null then 'missing date'
            when {{ implausible_date_reason('contact_date') }} is not null
                then {{ implausible_date_reason('contact_date') }}
            when
                reported_municipality_code is not null
                and municipality_code is null
                then 'unknown municipality code'
        end as rejection_reason
    from recoded
)

select * from final
