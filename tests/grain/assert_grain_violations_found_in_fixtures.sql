{#- The grain test (macros/generic_tests/unique_combination_of_columns.sql) on a fixture whose repeated
    combinations are known, every way: by hash, by the 64-value blocks of an integer id with a bit mask
    or with distinct hashes, and by the id with a mask of ordinals (ascii of the other column here; '8'
    and 'x' share a bit under id 3, which must not be reported). Each way must report exactly the
    expected rows. The fixture covers a repeat next to a distinct id of the same block, the same id under
    another value of the other column, ids of different blocks sharing a bit (-1 and 63), the highest bit
    (id 2^63 - 1), and nulls in either column; a second fixture has text ids, some not numbers and two
    ('1', '01') that are one number but different text. Fails with the rows that differ. -#}
{%- set fixture -%}
    (
        values
        ('x', 1), ('x', 1), ('x', 2),
        ('x', 65), ('y', 65),
        ('x', -1), ('x', 63),
        ('x', 9223372036854775807), ('y', 9223372036854775807), ('y', 9223372036854775807),
        ('z', null), ('z', null), ('w', null),
        (null, 7), (null, 7), (null, 8),
        ('8', 3), ('x', 3)
    ) as fixture (other_column, id_column)
{%- endset -%}
{%- set text_fixture -%}
    (
        values
        ('a', 'p1'), ('a', 'p1'), ('a', 'p2'), ('b', 'p1'),
        ('a', '1'), ('a', '01'), ('a', '2'), ('a', '2')
    ) as text_fixture (other_column, id_column)
{%- endset -%}
with

expected as (
    select
        expected_rows.other_column,
        cast(expected_rows.id_column as bigint) as id_column,
        cast(expected_rows.row_count as bigint) as row_count
    from (
        values
        ('x', 1, 2),
        ('y', 9223372036854775807, 2),
        ('z', null, 2),
        (null, 7, 2)
    ) as expected_rows (other_column, id_column, row_count)
),

found_by_mask as (
    {{ grain_violations(fixture, ['other_column', 'id_column'], mask_column='id_column') }}
),

found_by_hash as (
    {{ grain_violations(fixture, ['other_column', 'id_column']) }}
),

found_by_hash_list as (
    {{ grain_violations(
        fixture, ['other_column', 'id_column'], mask_column='id_column', block_check='distinct_hashes'
    ) }}
),

found_by_ordinals as (
    {{ grain_violations(
        fixture, ['other_column', 'id_column'], mask_column='id_column', block_check='ordinal_mask',
        ordinal_expression='ascii(other_column)'
    ) }}
),

found_by_ordinals_on_text as (
    {{ grain_violations(
        text_fixture, ['other_column', 'id_column'], mask_column='id_column', block_check='ordinal_mask',
        ordinal_expression='ascii(other_column)'
    ) }}
),

found_by_mask_on_text as (
    {{ grain_violations(text_fixture, ['other_column', 'id_column'], mask_column='id_column') }}
),

found_by_hash_list_on_text as (
    {{ grain_violations(
        text_fixture, ['other_column', 'id_column'], mask_column='id_column', block_check='distinct_hashes'
    ) }}
),

expected_on_text as (
    select
        expected_rows.other_column,
        expected_rows.id_column,
        cast(expected_rows.row_count as bigint) as row_count
    from (values ('a', 'p1', 2), ('a', '2', 2)) as expected_rows (other_column, id_column, row_count)
),

-- Ids compared as text, so that the two fixtures line up.
found as (
    select
        'mask' as way,
        other_column,
        cast(id_column as string) as id_column,
        row_count
    from found_by_mask
    union all
    select
        'hash' as way,
        other_column,
        cast(id_column as string) as id_column,
        row_count
    from found_by_hash
    union all
    select
        'distinct hashes' as way,
        other_column,
        cast(id_column as string) as id_column,
        row_count
    from found_by_hash_list
    union all
    select
        'ordinal mask' as way,
        other_column,
        cast(id_column as string) as id_column,
        row_count
    from found_by_ordinals
    union all
    select
        'ordinal mask on text' as way,
        other_column,
        id_column,
        row_count
    from found_by_ordinals_on_text
    union all
    select
        'mask on text' as way,
        other_column,
        id_column,
        row_count
    from found_by_mask_on_text
    union all
    select
        'distinct hashes on text' as way,
        other_column,
        id_column,
        row_count
    from found_by_hash_list_on_text
),

expected_each_way as (
    select
        ways.way,
        expected.other_column,
        cast(expected.id_column as string) as id_column,
        expected.row_count
    from expected
    cross join (values ('mask'), ('hash'), ('distinct hashes'), ('ordinal mask')) as ways (way)
    union all
    select
        ways.way,
        expected_on_text.other_column,
        expected_on_text.id_column,
        expected_on_text.row_count
    from expected_on_text
    cross join (values ('mask on text'), ('distinct hashes on text'), ('ordinal mask on text')) as ways (way)
),

differences as (
    select
        coalesce(found.way, expected_each_way.way) as way,
        coalesce(found.other_column, expected_each_way.other_column) as other_column,
        coalesce(found.id_column, expected_each_way.id_column) as id_column,
        found.row_count as found_row_count,
        expected_each_way.row_count as expected_row_count
    from found
    full outer join expected_each_way
        on
            found.way = expected_each_way.way
            and found.other_column is not distinct from expected_each_way.other_column
            and found.id_column is not distinct from expected_each_way.id_column
            and found.row_count = expected_each_way.row_count
    where found.way is null or expected_each_way.way is null
)

select * from differences
