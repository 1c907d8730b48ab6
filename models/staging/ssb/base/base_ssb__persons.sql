{#- The last month of the inclusion period as yyyymm: a person born after it cannot be in the study. -#}
{%- set inclusion_end_month = var('inclusion_end_date')[:4] ~ var('inclusion_end_date')[5:7] -%}
with

-- Lookup join in staging: an unknown municipality code rejects the row, and rejection happens here.
municipality_codes as (
    select * from {{ ref('base_ssb__municipality_codes') }}
),

-- Exact copies and repeated keys, numbered in file order (macros/number_duplicates.sql). The macro reads
-- the file itself: it scans it more than once, and a CTE read several times would be held in memory.
numbered as (
    {{ number_duplicates(
        source('ssb', 'persons'),
        content_columns=[
            'lopenr', 'kjonn', 'foedselsaar', 'foedselsmnd', 'fodeland', 'igrus2', 'inngrunn1',
            'foerste_bosattdato', 'bosettingskommune', 'status_20220101', 'status_20230101',
            'status_20240101', 'doedsdato', 'utvandringsdato'
        ],
        key_columns=['lopenr'],
        key_number_name='person_id_number',
        dense_integer_column='lopenr',
        normalised={
            'fodeland': 'trim(cast(fodeland as string))',
            'igrus2': 'trim(cast(igrus2 as string))',
            'inngrunn1': 'upper(trim(cast(inngrunn1 as string)))',
            'bosettingskommune': 'trim(cast(bosettingskommune as string))'
        }
    ) }}
),

renamed as (
    select
        numbered.file_row_number + 1 as source_row_number,
        {{ stage_person_id('numbered.lopenr') }} as person_id,
        numbered.lopenr as delivered_person_id,
        cast(numbered.kjonn as smallint) as sex_code,
        -- Fixed two-value decoding of the extract contract (docs/extracts.md), not a code list.
        case cast(numbered.kjonn as smallint)
            when 1 then 'male'
            when 2 then 'female'
        end as sex,
        cast(numbered.foedselsaar as integer) as birth_year,
        cast(numbered.foedselsmnd as integer) as birth_month,
        nullif(trim(cast(numbered.fodeland as string)), '') as country_of_birth_code,
        nullif(trim(cast(numbered.igrus2 as string)), '') as igrus2_code,
        nullif(upper(trim(cast(numbered.inngrunn1 as string))), '') as immigration_reason_code,
        cast(numbered.foerste_bosattdato as date) as settlement_date,
        nullif(trim(cast(numbered.bosettingskommune as string)), '') as reported_settlement_municipality_code,
        cast(numbered.status_20220101 as smallint) as status_2022_code,
        cast(numbered.status_20230101 as smallint) as status_2023_code,
        cast(numbered.status_20240101 as smallint) as status_2024_code,
        cast(numbered.doedsdato as date) as death_date,
        cast(numbered.utvandringsdato as date) as emigration_date,
        numbered.exact_duplicate_number,
        numbered.person_id_number_versions
    from numbered
),

recoded as (
    select
        renamed.*,
        municipality_codes.municipality_code as settlement_municipality_code
    from renamed
    left join municipality_codes
        on
            lpad(renamed.reported_settlement_municipality_code, 4, '0')
            = municipality_codes.reported_municipality_code
),

final as (
    select
        source_row_number,
        person_id,
        sex,
        birth_year,
        birth_month,
        case
            when birth_month between 1 and 12 and birth_year between 1 and 9999
                then make_date(birth_year, birth_month, 1)
        end as birth_date,
        country_of_birth_code,
        igrus2_code,
        coalesce(
            igrus2_code in ({{ "'" ~ var('refugee_igrus2_codes') | join("', '") ~ "'" }}), false
        ) as is_refugee,
        immigration_reason_code,
        settlement_date,
        settlement_municipality_code,
        reported_settlement_municipality_code,
        status_2022_code,
        status_2023_code,
        status_2024_code,
        death_date,
        emigration_date,
        case
            when exact_duplicate_number > 1 then 'exact duplicate row'
            when person_id is null then {{ person_id_rejection('delivered_person_id') }}
            when person_id_number_versions > 1 then 'conflicting duplicate person id'
            when sex_code is null then 'missing sex'
            when sex is null then 'unknown sex code'
            when birth_year is null then 'missing birth year'
            when birth_year < extract(year from {{ earliest_plausible_date() }}) then 'birth year before 1900'
            when birth_month is null then 'missing birth month'
            when birth_month not between 1 and 12 then 'invalid birth month'
            when birth_year * 100 + birth_month > {{ inclusion_end_month }} then 'birth after the inclusion period'
            when
                reported_settlement_municipality_code is not null
                and settlement_municipality_code is null
                then 'unknown municipality code'
            when settlement_date > {{ extract_date() }} then 'settlement after the extract date'
            when death_date < settlement_date then 'death before settlement'
        end as rejection_reason
    from recoded
)

select * from final
