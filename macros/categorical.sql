{#- A text column with a small, known set of values, as the engine stores categories best. On DuckDB an
    ENUM: stored as a small integer, compared and displayed as text, and several times cheaper to write
    and scan than VARCHAR in the 100-million-row person-month table. Other engines keep the text.
    `values` must list every value the expression can take (a value outside the list fails the build).
    Not for models with dbt unit tests on the column: dbt casts expected rows to the ENUM's storage type. -#}
{% macro categorical(expression, values) -%}
    {{ return(adapter.dispatch('categorical')(expression, values)) }}
{%- endmacro %}

{% macro default__categorical(expression, values) -%}
    {{ expression }}
{%- endmacro %}

{% macro duckdb__categorical(expression, values) -%}
    {%- if values | length == 0 -%}
        {{ expression }}
    {%- else -%}
        {%- set quoted = [] -%}
        {%- for value in values -%}
            {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
        {%- endfor -%}
        cast({{ expression }} as enum ({{ quoted | join(', ') }}))
    {%- endif -%}
{%- endmacro %}

{#- The values one column of a built relation takes, ordered by `order_by` (an aggregate-free expression,
    default the column), for categorical(). Empty before the relation exists (parsing, linting on an empty
    target), where categorical() then leaves the expression as text. -#}
{% macro column_values(relation, column, order_by=none) -%}
    {#- Unit tests replace refs with fixtures that have no schema: nothing to query there either. -#}
    {%- if not execute or relation is string or relation.schema is none or relation.identifier is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- if load_relation(relation) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select {{ column }} as value
        from {{ relation }}
        where {{ column }} is not null
        group by {{ column }}
        order by min({{ order_by or column }}), {{ column }}
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- The distinct values an expression over a source file takes, for categorical() in the base model that
    stages it: the categories are read from the extract itself, so a real extract's codes (unknown in
    advance) are covered exactly and nothing depends on the synthetic data. One scan of the expression's
    columns at compile time (about a second for the largest file at national scale), far less than writing
    tens of millions of rows as text costs. Empty while parsing and on an in-memory target (the lint
    target, which has no extracts), where categorical() then leaves the expression as text. -#}
{% macro source_values(source_relation, expression) -%}
    {%- if not execute or target.path == ':memory:' -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select distinct {{ expression }} as value
        from {{ source_relation }}
        where {{ expression }} is not null
        order by value
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}
