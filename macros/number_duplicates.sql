{#- Numbers repeated rows of a raw extract without a window over the whole file: every row of `relation`
    with `exact_duplicate_number` (1 for the first copy of a row in file order, 2, 3 ... for later exact
    copies) and, when `key_columns` are given, `<key_number_name>` (the same for rows sharing the key).

    A window partitioned by all columns sorts the whole file (tens of millions of rows, minutes at national
    scale). Here the candidates are found first: rows whose key repeats (an exact copy repeats its key
    too), or, without a key, rows whose content repeats. They are found the way the grain test finds
    repeated combinations (grain_violations, macros/generic_tests/unique_combination_of_columns.sql), by
    blocks of `dense_integer_column` (a serial id of the file, e.g. the bill number) when given, with its
    `block_check`, else by hash. Only the candidates go through windows on their real columns.
    Rows are identified by file_row_number: every source is one Parquet file (docs/extracts.md).

    `normalised` ({column: expression}) replaces columns by their normalised form wherever rows are
    compared, so that ' a01' and 'A01' are copies of the same code; the rows are returned as delivered, and
    the base model normalises them the same way.
    With `key_columns`, `<key_number_name>_versions` counts the different contents the key comes with
    (1 = every row with the key is a copy of one row): a re-sent record whose content changed is a
    conflict, and the base models reject all its versions, never keep one by file order. -#}
{% macro number_duplicates(relation, content_columns, key_columns=none, key_number_name=none, dense_integer_column=none, block_check='bit_mask', normalised=none) -%}
    {{ return(adapter.dispatch('number_duplicates')(
        relation, content_columns, key_columns, key_number_name, dense_integer_column, block_check, normalised
    )) }}
{%- endmacro %}

{#- The plain form, for engines that distribute the windows (Spark): each row numbered among the rows of
    its content and of its key by windows over the whole file, no candidates first. The same numbers. -#}
{% macro default__number_duplicates(relation, content_columns, key_columns, key_number_name, dense_integer_column, block_check, normalised) -%}
    {%- set normalised = normalised or {} -%}
    {%- set compared_columns = (content_columns + (key_columns or [])) | unique | list -%}
    with

    compared_rows as (
        select
            {%- for column_name in compared_columns %}
            {{ normalised.get(column_name, column_name) }} as {{ column_name }},
            {%- endfor %}
            file_row_number
        from {{ relation }}
    ),

    row_numbers as (
        select
            file_row_number,
            {%- for column_name in key_columns or [] %}
            {{ column_name }},
            {%- endfor %}
            row_number() over (
                partition by {{ content_columns | join(', ') }}
                order by file_row_number
            ) as exact_duplicate_number
            {%- if key_columns %},
                row_number() over (
                    partition by {{ key_columns | join(', ') }}
                    order by file_row_number
                ) as key_number
            {%- endif %}
        from compared_rows
    ),

    row_versions as (
        select
            *
            {%- if key_columns %},
                sum(case when exact_duplicate_number = 1 then 1 else 0 end) over (
                    partition by {{ key_columns | join(', ') }}
                ) as key_versions
            {%- endif %}
        from row_numbers
    ),

    numbered as (
        select
            file_rows.*,
            row_versions.exact_duplicate_number
            {%- if key_columns %},
                row_versions.key_number as {{ key_number_name }},
                row_versions.key_versions as {{ key_number_name }}_versions
            {%- endif %}
        from {{ relation }} as file_rows
        inner join row_versions
            on file_rows.file_row_number = row_versions.file_row_number
    )

    select * from numbered
{%- endmacro %}

{#- DuckDB: candidates first, by blocks of a serial id (below). -#}
{% macro duckdb__number_duplicates(relation, content_columns, key_columns, key_number_name, dense_integer_column, block_check, normalised) -%}
    {%- set compared_relation = relation -%}
    {%- if normalised -%}
        {%- set compared_relation -%}
            (
                select * replace (
                    {%- for column_name, expression in normalised.items() %}
                    {{ expression }} as {{ column_name }}{{ "," if not loop.last }}
                    {%- endfor %}
                )
                from {{ relation }}
            ) as normalised_rows
        {%- endset -%}
    {%- endif -%}
    {%- set qualified_content = 'compared_rows.' ~ (content_columns | join(', compared_rows.')) -%}
    {%- set candidate_columns = key_columns if key_columns else content_columns -%}
    with

    -- Not materialized: scanning the Parquet file again is cheaper than holding every row in memory.
    file_rows as not materialized (
        -- Staged rows carry their row number only: each base model reads one file, and the audit model
        -- names it (a constant text column costs seconds per 100 million rows to write).
        select * exclude (filename)
        from {{ relation }}
    ),

    repeated_combinations as (
        {{ grain_violations(compared_relation, candidate_columns, dense_integer_column, block_check) }}
    ),

    -- The rows compared: normalised where `normalised` says so. Only rows whose serial id is among the
    -- repeated combinations' are normalised (the base model normalises every row once itself, from the
    -- rows as delivered, which `numbered` returns): string functions over 90 million rows cost seconds.
    compared_rows as not materialized (
        select * exclude (filename)
        from {{ compared_relation }}
        {%- if normalised and dense_integer_column in candidate_columns %}
        where
            {{ dense_integer_column }} is null
            or {{ dense_integer_column }} in (
                select repeated_combinations.{{ dense_integer_column }} from repeated_combinations
            )
        {%- endif %}
    ),

    candidate_numbers as (
        select
            compared_rows.file_row_number,
            {%- for column_name in key_columns or [] %}
            compared_rows.{{ column_name }},
            {%- endfor %}
            row_number() over (
                partition by {{ qualified_content }}
                order by compared_rows.file_row_number
            ) as exact_duplicate_number
            {%- if key_columns %},
                row_number() over (
                    partition by compared_rows.{{ key_columns | join(', compared_rows.') }}
                    order by compared_rows.file_row_number
                ) as key_number
            {%- endif %}
        from compared_rows
        inner join repeated_combinations
            on
                {% for column_name in candidate_columns -%}
                    compared_rows.{{ column_name }} is not distinct from repeated_combinations.{{ column_name }}
                    {{- " and" if not loop.last }}
                {% endfor %}
    ),

    -- Per key, how many of its rows are the first copy of their content: its different versions.
    candidate_versions as (
        select
            *
            {%- if key_columns %},
                sum(case when exact_duplicate_number = 1 then 1 else 0 end) over (
                    partition by {{ key_columns | join(', ') }}
                ) as key_versions
            {%- endif %}
        from candidate_numbers
    ),

    numbered as (
        select
            file_rows.*,
            coalesce(candidate_versions.exact_duplicate_number, 1) as exact_duplicate_number
            {%- if key_columns %},
                coalesce(candidate_versions.key_number, 1) as {{ key_number_name }},
                coalesce(candidate_versions.key_versions, 1) as {{ key_number_name }}_versions
            {%- endif %}
        from file_rows
        left join candidate_versions
            on file_rows.file_row_number = candidate_versions.file_row_number
    )

    select * from numbered
{%- endmacro %}
