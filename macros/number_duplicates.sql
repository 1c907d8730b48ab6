{#- Numbers repeated rows of a raw extract without a window over the whole file: every row of `relation`
    with `exact_duplicate_number` (1 for the first copy of a row in file order, 2, 3 ... for later exact
    copies) and, when `key_columns` are given, `<key_number_name>` (the same for rows sharing the key).

    A window partitioned by all columns sorts the whole file (tens of millions of rows, minutes at national
    scale). Here the rows are first narrowed to candidates with one hash aggregation - rows whose key repeats
    (an exact copy repeats its key too), or, without a key, rows whose content hash repeats - and only the
    candidates go through windows on their real columns, so a hash collision cannot merge rows that differ.
    Rows are identified by file_row_number: every source is one Parquet file (docs/extracts.md). -#}
{% macro number_duplicates(relation, content_columns, key_columns=none, key_number_name=none) -%}
    {%- set content = content_columns | join(', ') -%}
    {%- set candidate_columns = key_columns if key_columns else content_columns -%}
    with

    -- Not materialized: scanning the Parquet file again is cheaper than holding every row in memory.
    hashed as not materialized (
        select
            -- Staged rows carry their row number only: each base model reads one file, and the audit model
            -- names it (a constant text column costs seconds per 100 million rows to write).
            * exclude (filename),
            hash({{ candidate_columns | join(', ') }}) as candidate_hash
        from {{ relation }}
    ),

    repeated_hashes as (
        select candidate_hash
        from hashed
        group by candidate_hash
        having count(*) > 1
    ),

    candidate_numbers as (
        select
            hashed.file_row_number,
            row_number() over (
                partition by {{ content }}
                order by hashed.file_row_number
            ) as exact_duplicate_number
            {%- if key_columns %},
                row_number() over (
                    partition by {{ key_columns | join(', ') }}
                    order by hashed.file_row_number
                ) as key_number
            {%- endif %}
        from hashed
        inner join repeated_hashes
            on hashed.candidate_hash = repeated_hashes.candidate_hash
    ),

    numbered as (
        select
            hashed.*,
            coalesce(candidate_numbers.exact_duplicate_number, 1) as exact_duplicate_number
            {%- if key_columns %},
                coalesce(candidate_numbers.key_number, 1) as {{ key_number_name }}
            {%- endif %}
        from hashed
        left join candidate_numbers
            on hashed.file_row_number = candidate_numbers.file_row_number
    )

    select * from numbered
{%- endmacro %}
