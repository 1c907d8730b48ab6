{#- Tariff codes as categories (macros/categorical.sql): a text column of ~90 million rows costs seconds
    to write. -#}
{%- set tariff_code_expression = normalised_tariff_code('takstkode') -%}
with

-- Exact copies and repeated keys, numbered in file order (macros/number_duplicates.sql). The macro reads
-- the file itself: it scans it more than once, and a CTE read several times would be held in memory.
numbered as (
    {{ number_duplicates(
        source('kpr', 'kuhr_takster'),
        content_columns=['enkeltregning_lnr', 'takstkode', 'antall'],
        dense_integer_column='enkeltregning_lnr',
        normalised={'takstkode': tariff_code_expression}
    ) }}
),

final as (
    select
        file_row_number + 1 as source_row_number,
        cast(enkeltregning_lnr as bigint) as bill_id,
        {{ categorical(tariff_code_expression, ref('category_tariff_code')) }} as tariff_code,
        cast(antall as integer) as tariff_count,
        case
            when exact_duplicate_number > 1 then 'exact duplicate row'
            when enkeltregning_lnr is null then 'missing bill id'
            when nullif(trim(cast(takstkode as string)), '') is null then 'missing tariff code'
            when cast(antall as integer) <= 0 then 'tariff count zero or below'
        end as rejection_reason
    from numbered
)

select * from final
