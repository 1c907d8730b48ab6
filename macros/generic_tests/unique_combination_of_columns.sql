{#- Fails with one row per combination of the given columns that occurs more than once (nulls compare
    equal, as in group by), so a composite grain can be tested like a single-column key.

    Both ways below first find candidate rows cheaply and then group only the candidates by the columns
    themselves, so the failing rows are exact whichever way is taken.

    - Default: the rows are grouped by one 64-bit hash of the columns; rows whose hash repeats are the
      candidates (a hash collision cannot fail the test).
    - dense_integer_column (one of the columns, an integer id such as a serial bill or person number):
      the rows are grouped by the other columns and by the id's block of 64 consecutive values, and a
      64-bit mask marks which ids of the block occur. A block holds a repeated combination exactly when it
      has more rows than marked ids (plus one for a null id), and its rows are the candidates. Serial ids
      fill their blocks, so ~100 M rows become ~2 M groups instead of ~100 M: seconds instead of the
      10-16 s a national-scale grain costs by hash. The id is taken as try_cast(id as bigint), which maps
      equal values to equal numbers, so any type stays exact: sparse ids only lose the speed, and text
      that is not a number (e.g. text pseudonyms, var person_id_type) lands in one null block whose rows
      are all candidates, as slow as the hash but no slower.
    - dense_integer_column with block_check='distinct_hashes': for a composite grain whose other columns
      take many values per id (e.g. diagnosis codes per bill), where grouping by them would leave about
      one row per group. The rows are grouped by the id's block alone, and a block is a candidate when it
      has more rows than distinct hashes of the whole combination (a collision only adds candidates).
      About 3.7 s instead of 8.4 s for 68 M bill diagnoses at national scale.
    - dense_integer_column with block_check='ordinal_mask' and ordinal_expression: for a grain of an id
      and a column with few, nearby values per id (a person's calendar months). ordinal_expression is an
      integer expression of the other columns that tells their combinations apart (e.g. a month's number
      year * 12 + month). The rows are grouped by the id itself, and an id is a candidate when it has more
      rows than marked bits of its ordinals modulo 64 (ordinals 64 apart share a bit, and a null ordinal
      marks none: both only add candidates). About 2.5 s instead of 5 s for 117 M person-months. -#}
{% test unique_combination_of_columns(model, combination_of_columns, dense_integer_column=none, block_check='bit_mask', ordinal_expression=none) %}
{%- if dense_integer_column is not none and dense_integer_column not in combination_of_columns -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns on " ~ model ~ ": dense_integer_column '" ~ dense_integer_column
        ~ "' must be one of combination_of_columns " ~ combination_of_columns
    ) }}
{%- endif %}
{{ grain_violations(model, combination_of_columns, dense_integer_column, block_check, ordinal_expression) }}
{% endtest %}

{#- The combinations of `combination_of_columns` that occur more than once in `relation`, with their
    row_count: the test's failing rows, and the candidates of macros/number_duplicates.sql. mask_column
    (or none for the hash) as described above. tests/grain/assert_grain_violations_found_in_fixtures.sql
    runs it on fixtures. -#}
{% macro grain_violations(relation, combination_of_columns, mask_column=none, block_check='bit_mask', ordinal_expression=none) -%}
    {{ return(adapter.dispatch('grain_violations')(
        relation, combination_of_columns, mask_column, block_check, ordinal_expression
    )) }}
{%- endmacro %}

{#- The plain form (Spark, which distributes the grouping): every combination grouped, no blocks first. -#}
{% macro default__grain_violations(relation, combination_of_columns, mask_column, block_check, ordinal_expression) -%}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ relation }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{%- endmacro %}

{% macro duckdb__grain_violations(relation, combination_of_columns, mask_column, block_check, ordinal_expression) -%}
{%- if block_check not in ['bit_mask', 'distinct_hashes', 'ordinal_mask'] -%}
    {{ exceptions.raise_compiler_error(
        "grain_violations on " ~ relation ~ ": block_check must be 'bit_mask', 'distinct_hashes' or "
        ~ "'ordinal_mask', not '" ~ block_check ~ "'"
    ) }}
{%- endif %}
{%- if block_check == 'ordinal_mask' and (mask_column is none or ordinal_expression is none) -%}
    {{ exceptions.raise_compiler_error(
        "grain_violations on " ~ relation ~ ": block_check 'ordinal_mask' needs dense_integer_column and "
        ~ "ordinal_expression"
    ) }}
{%- endif %}
{%- set columns = combination_of_columns | join(', ') %}
{%- set use_mask = mask_column is not none and block_check == 'bit_mask' %}
{%- set use_hash_list = mask_column is not none and block_check == 'distinct_hashes' %}
{%- set use_ordinals = mask_column is not none and block_check == 'ordinal_mask' %}
{%- set other_columns = combination_of_columns | reject('equalto', mask_column) | list if use_mask else [] %}

with

model_rows as not materialized (
    select
        {{ columns }},
        {% if use_ordinals -%}
            {{ mask_column }} as candidate_block,
            (({{ ordinal_expression }}) % 64 + 64) % 64 as ordinal_bit
        {%- elif use_mask or use_hash_list -%}
            try_cast({{ mask_column }} as bigint) >> 6 as candidate_block
        {%- else -%}
            hash({{ columns }}) as candidate_block
        {%- endif %}
    from {{ relation }}
),

candidate_blocks as (
    select
        {% for column_name in other_columns if use_mask -%}
            {{ column_name }},
        {% endfor -%}
        candidate_block
    from model_rows
    group by
        {% for column_name in other_columns if use_mask -%}
            {{ column_name }},
        {% endfor -%}
        candidate_block
    {% if use_mask -%}
        having
            count(*) > coalesce(
                bit_count(bit_or(cast(1 as ubigint) << cast(try_cast({{ mask_column }} as bigint) & 63 as ubigint))), 0
            ) + max(case when try_cast({{ mask_column }} as bigint) is null then 1 else 0 end)
    {%- elif use_hash_list -%}
        having count(*) > list_unique(list(hash({{ columns }})))
    {%- elif use_ordinals -%}
        having count(*) > coalesce(bit_count(bit_or(cast(1 as ubigint) << cast(ordinal_bit as ubigint))), 0)
    {%- else -%}
        having count(*) > 1
    {%- endif %}
),

final as (
    select
        {% for column_name in combination_of_columns -%}
            model_rows.{{ column_name }},
        {% endfor -%}
        count(*) as row_count
    from model_rows
    inner join candidate_blocks
        on
            {% for column_name in other_columns if use_mask -%}
                model_rows.{{ column_name }} is not distinct from candidate_blocks.{{ column_name }} and
            {% endfor -%}
            model_rows.candidate_block is not distinct from candidate_blocks.candidate_block
    group by
        {% for column_name in combination_of_columns -%}
            model_rows.{{ column_name }}{{ "," if not loop.last }}
        {% endfor %}
    having count(*) > 1
)

select * from final
{%- endmacro %}
