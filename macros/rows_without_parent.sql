{#- The rows of `child` whose `child_key` matches no `parent_key` of `parent` (an anti-join): tariff rows
    whose bill is not a staged bill, contacts whose person is not a staged person.

    Speed: at national scale the plain anti-join builds a hash table of every parent key (70 million bills)
    to probe 90 million tariff rows with, about 6 s. Keys of a register file are serial numbers, so both
    sides are first reduced to blocks of 64 consecutive keys with a 64-bit mask of the keys present (as in
    grain_violations, macros/generic_tests/unique_combination_of_columns.sql); only child rows in blocks
    whose mask has a bit the parent's lacks are anti-joined for real, about 2 s. The answer is the same
    either way. `dense_integer=false` (text keys, var person_id_type varchar) takes the plain anti-join.
    Child rows with a null key are not returned (staged keys are never null). -#}
{% macro rows_without_parent(child, child_key, parent, parent_key, dense_integer=true) -%}
    {%- if dense_integer and bit_mask_speedups() %}
    with

    rwp__child_blocks as (
        {{ key_block_masks(child, child_key) }}
    ),

    rwp__parent_blocks as (
        {{ key_block_masks(parent, parent_key) }}
    ),

    rwp__candidate_blocks as (
        select rwp__child_blocks.key_block
        from rwp__child_blocks
        left join rwp__parent_blocks
            on rwp__child_blocks.key_block = rwp__parent_blocks.key_block
        where rwp__child_blocks.key_mask & ~coalesce(rwp__parent_blocks.key_mask, cast(0 as ubigint)) <> 0
    ),

    rwp__candidate_parents as (
        select {{ parent_key }} as parent_key
        from {{ parent }}
        where
            {{ parent_key }} is not null
            and {{ parent_key }} >> 6 in (select rwp__candidate_blocks.key_block from rwp__candidate_blocks)
    )

    select child_rows.*
    from {{ child }} as child_rows
    where
        child_rows.{{ child_key }} >> 6 in (select rwp__candidate_blocks.key_block from rwp__candidate_blocks)
        and child_rows.{{ child_key }} not in (select rwp__candidate_parents.parent_key from rwp__candidate_parents)
    {%- else %}
    select child_rows.*
    from {{ child }} as child_rows
    where child_rows.{{ child_key }} not in (
        select parent_rows.{{ parent_key }}
        from {{ parent }} as parent_rows
        where parent_rows.{{ parent_key }} is not null
    )
    {%- endif %}
{%- endmacro %}


{#- One row per block of 64 consecutive keys of `relation`, with a 64-bit mask of the keys present. -#}
{% macro key_block_masks(relation, key) -%}
    select
        {{ key }} >> 6 as key_block,
        bit_or(cast(1 as ubigint) << cast({{ key }} & 63 as ubigint)) as key_mask
    from {{ relation }}
    group by 1
{%- endmacro %}


{#- The number of rows of `child` whose `child_key` is a `parent_key` of `parent` (a semi-join count), for
    the end-to-end conservation test (tests/conservation/assert_every_linked_row_is_used_or_audited.sql).

    Speed: a semi-join builds a hash table of every parent key; at national scale, 70 million accepted bills
    probed by 68 million diagnosis rows took about 30 s. With serial integer keys the parent is reduced to
    one 64-bit mask per block of 64 consecutive keys (about a million rows), and a child row counts when
    its key's bit is set in its block's mask: the same answer, about 3 s.
    The masks are written out here, not taken from key_block_masks(): the test checks the audit, which finds
    its rows with key_block_masks(), so a fault there must not cancel out in both. Child rows with a null
    key are not counted. `dense_integer=false` (text keys) takes the plain semi-join. -#}
{% macro count_rows_with_parent(child, child_key, parent, parent_key, dense_integer=true) -%}
    {%- if dense_integer and bit_mask_speedups() -%}
    select count(*)
    from {{ child }} as child_rows
    inner join (
        select
            {{ parent_key }} >> 6 as parent_block,
            bit_or(cast(1 as ubigint) << cast({{ parent_key }} & 63 as ubigint)) as parent_mask
        from {{ parent }}
        where {{ parent_key }} is not null
        group by {{ parent_key }} >> 6
    ) as parent_blocks
        on child_rows.{{ child_key }} >> 6 = parent_blocks.parent_block
    where (parent_blocks.parent_mask >> cast(child_rows.{{ child_key }} & 63 as ubigint)) & 1 = 1
    {%- else -%}
    select count(*)
    from {{ child }} as child_rows
    where child_rows.{{ child_key }} in (
        select parent_rows.{{ parent_key }}
        from {{ parent }} as parent_rows
    )
    {%- endif -%}
{%- endmacro %}
