with

-- Exact copies and repeated keys, numbered in file order (macros/number_duplicates.sql). The macro reads
-- the file itself: it scans it more than once, and a CTE read several times would be held in memory.
numbered as (
    {{ number_duplicates(
        source('kpr', 'hom_vedtak'),
        content_columns=['vedtak_lnr', 'lopenr', 'tjenestekode', 'fra_dato', 'til_dato'],
        key_columns=['vedtak_lnr'],
        key_number_name='decision_id_number',
        dense_integer_column='vedtak_lnr',
        normalised={'tjenestekode': 'trim(cast(tjenestekode as string))'}
    ) }}
),

renamed as (
    select
        file_row_number + 1 as source_row_number,
        cast(vedtak_lnr as bigint) as decision_id,
        {{ stage_person_id('lopenr') }} as person_id,
        lopenr as delivered_person_id,
        nullif(trim(cast(tjenestekode as string)), '') as service_code,
        cast(fra_dato as date) as decision_start_date,
        cast(til_dato as date) as decision_end_date,
        exact_duplicate_number,
        decision_id_number_versions
    from numbered
),

final as (
    select
        source_row_number,
        decision_id,
        person_id,
        service_code,
        decision_start_date,
        decision_end_date,
        case
            when exact_duplicate_number > 1 then 'exact duplicate row'
            when decision_id is null then 'missing decision id'
            when decision_id_number_versions > 1 then 'conflicting duplicate decision id'
            when person_id is null then {{ person_id_rejection('delivered_person_id') }}
            when decision_start_date is null then 'missing date'
            -- The to-date is a planned end and may lie after the extract date; the from-date may not.
            when {{ implausible_date_reason('decision_start_date') }} is not null
                then {{ implausible_date_reason('decision_start_date') }}
            when decision_start_date > decision_end_date then 'from-date after to-date'
        end as rejection_reason
    from renamed
)

select * from final
