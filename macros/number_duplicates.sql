{#- Numbers repeated rows of a raw extract without a window over the whole file: every row of `relation`
    with `exact_duplicate_number` (1 for the first copy of a row in file order, 2, 3 ... for later exact
    copies) and, when `key_columns` are given, `<key_number_name>` (the same for rows sharing the key).

    A window partitioned by all columns sorts the whole file (tens of millions of rows, minutes at national
    scale). Here one hash per row is grouped instead; only rows whose hash repeats (the duplicates, and the
    rare hash collision) go through a window on their real columns, so collisions cannot merge rows that
    differ. Rows are identified by (filename, file_row_number). -#}
{% macro number_duplicates(relation, content_columns, key_columns=none, key_number_name=none) -%}
    {%- set content = content_columns | join(', ') -%}
    with

    hashed as (
        select
            *,
            hash({{ content }}) as content_hash
            {%- if key_columns %},
                hash({{ key_columns | join(', ') }}) as key_hash
            {%- endif %}
        from {{ relation }}
    ),

    repeated_contents as (
        select content_hash
        from hashed
        group by content_hash
        having count(*) > 1
    ),

    content_numbers as (
        select
            hashed.filename,
            hashed.file_row_number,
            row_number() over (
                partition by {{ content }}
                order by hashed.file_row_number
            ) as exact_duplicate_number
        from hashed
        inner join repeated_contents
            on hashed.content_hash = repeated_contents.content_hash
    ),
    {% if key_columns %}
    repeated_keys as (
        select key_hash
        from hashed
        group by key_hash
        having count(*) > 1
    ),

    key_numbers as (
        select
            hashed.filename,
            hashed.file_row_number,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by hashed.file_row_number
            ) as key_number
        from hashed
        inner join repeated_keys
            on hashed.key_hash = repeated_keys.key_hash
    ),
    {% endif %}
    numbered as (
        select
            hashed.*,
            coalesce(content_numbers.exact_duplicate_number, 1) as exact_duplicate_number
            {%- if key_columns %},
                coalesce(key_numbers.key_number, 1) as {{ key_number_name }}
            {%- endif %}
        from hashed
        left join content_numbers
            on
                hashed.filename = content_numbers.filename
                and hashed.file_row_number = content_numbers.file_row_number
        {%- if key_columns %}
            left join key_numbers
                on
                    hashed.filename = key_numbers.filename
                    and hashed.file_row_number = key_numbers.file_row_number
        {%- endif %}
    )

    select * from numbered
{%- endmacro %}
