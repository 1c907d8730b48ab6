{#- Small non-negative counts packed four to a 64-bit word, 16 bits each, for a table of ~120 million rows
    (fct_person_months_packed): DuckDB's cost of writing a table grows with its number of columns, and the
    18 per-service count columns of the person-month table cost more to write (13 s at scale 1) than all
    its other columns together; packed into 5 words they cost 3 s, and the join that attaches them moves
    5 columns instead of 18. The view over the table (fct_person_months) unpacks them again, so readers see
    plain integer columns. Other engines keep one column per count (the default__ versions).

    packed_count_words(counts, row_label): select-list lines `<word expression> as packed_counts_<n>` from
    a list of (count expression, column name) pairs; a count above 65,535 fails the build with a message
    naming the column and the row (`row_label`, a text expression), never wraps.
    packed_count_names(column names): the stored column names, to carry them through later steps.
    unpacked_counts(relation_alias, column names): lines `<expression> as <column name>` that read the
    counts back as integers (the words are stored with zeros, not nulls: a null check per value costs
    more when reading than storing zeros costs when writing). -#}

{% macro packed_count_layout(column_names) -%}
    {%- set layout = [] -%}
    {%- for column_name in column_names -%}
        {%- do layout.append({
            'column': column_name,
            'word': 'packed_counts_' ~ (loop.index0 // 4 + 1),
            'shift': 16 * (loop.index0 % 4)
        }) -%}
    {%- endfor -%}
    {{ return(layout) }}
{%- endmacro %}

{% macro packed_count_names(column_names) -%}
    {{ return(adapter.dispatch('packed_count_names')(column_names)) }}
{%- endmacro %}

{% macro default__packed_count_names(column_names) -%}
    {{ return(column_names) }}
{%- endmacro %}

{% macro duckdb__packed_count_names(column_names) -%}
    {%- set words = [] -%}
    {%- for field in packed_count_layout(column_names) -%}
        {%- if field.word not in words -%}{%- do words.append(field.word) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(words) }}
{%- endmacro %}

{#- counts: list of [expression, column name] pairs. -#}
{% macro packed_count_words(counts, row_label=none) -%}
    {{ return(adapter.dispatch('packed_count_words')(counts, row_label)) }}
{%- endmacro %}

{% macro default__packed_count_words(counts, row_label=none) -%}
    {%- for expression, column_name in counts %}
        {{ expression }} as {{ column_name }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__packed_count_words(counts, row_label=none) -%}
    {%- set expressions = {} -%}
    {%- for expression, column_name in counts -%}
        {%- do expressions.update({column_name: expression}) -%}
    {%- endfor -%}
    {%- set layout = packed_count_layout(counts | map('last') | list) -%}
    {%- for word in packed_count_names(counts | map('last') | list) %}
        {%- set fields = layout | selectattr('word', 'equalto', word) | list %}
        (
            {%- for field in fields %}
                (case
                    when {{ expressions[field.column] }} > 65535
                        then error(
                            '{{ field.column }} above 65,535 (too large for its 16-bit field in {{ word }})'
                            {%- if row_label %} || ' for ' || {{ row_label }}{% endif %}
                        )
                    else cast({{ expressions[field.column] }} as ubigint)
                end << {{ field.shift }}){{ " +" if not loop.last }}
            {%- endfor %}
        ) as {{ word }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro unpacked_counts(relation_alias, column_names) -%}
    {{ return(adapter.dispatch('unpacked_counts')(relation_alias, column_names)) }}
{%- endmacro %}

{% macro default__unpacked_counts(relation_alias, column_names) -%}
    {%- for column_name in column_names %}
        cast({{ relation_alias }}.{{ column_name }} as integer) as {{ column_name }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__unpacked_counts(relation_alias, column_names) -%}
    {%- for field in packed_count_layout(column_names) %}
        cast(({{ relation_alias }}.{{ field.word }} >> {{ field.shift }}) & 65535 as integer)
            as {{ field.column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
