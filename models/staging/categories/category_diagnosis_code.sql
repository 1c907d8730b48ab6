-- Read from the extracts: every code a KUHR bill or an NPR episode carries, valid or not (a rejected row
-- keeps its code), normalised as the base models normalise them.
{%- set code_columns = [
    ('kpr', 'kuhr_diagnoser', 'diagnosekode'),
    ('npr', 'somatikk', 'tilstand_1_1'), ('npr', 'somatikk', 'tilstand_1_2'), ('npr', 'somatikk', 'tilstand_2_1'),
    ('npr', 'phv', 'tilstand_1_1'), ('npr', 'phv', 'tilstand_1_2'), ('npr', 'phv', 'tilstand_2_1'),
    ('npr', 'phbu', 'tilstand_1_1'), ('npr', 'phbu', 'tilstand_1_2'), ('npr', 'phbu', 'tilstand_2_1')
] %}
with

delivered_codes as (
    select cast(null as string) as category_value
    where false
    {%- for source_name, table_name, column in code_columns %}
        union all
        select {{ normalised_diagnosis_code(column) }} as category_value
        from {{ source(source_name, table_name) }}
    {%- endfor %}
),

final as (
    select distinct category_value
    from delivered_codes
    where category_value is not null
)

select * from final
