{#- A text column whose values are listed in a category model (models/staging/categories/), stored as the
    engine stores categories best. On DuckDB the column is cast to the category's ENUM type, created at run
    time from the category model's values: stored as a small integer, compared and displayed as text, and
    several times cheaper to write and scan than VARCHAR in the 100-million-row tables. Other engines keep
    the text. `category` is the category model, `ref('category_<name>')`: the compiled SQL names the type,
    never its values, so what compiles does not depend on what the warehouse holds. A value outside the
    category fails the build.
    In a dbt unit test the category is a fixture (a CTE name, not a type) and the column stays text. -#}
{% macro categorical(expression, category) -%}
    {{ return(adapter.dispatch('categorical')(expression, category)) }}
{%- endmacro %}

{% macro default__categorical(expression, category) -%}
    {{ expression }}
{%- endmacro %}

{% macro duckdb__categorical(expression, category) -%}
    {%- if category is string or category.identifier is none
        or category.identifier.startswith('__dbt__cte__') -%}
        {{ expression }}
    {%- else -%}
        {#- schema.type: the warehouse is the default database, and sqlfluff parses no three-part type name. -#}
        cast({{ expression }} as {{ category.include(database=false) }})
    {%- endif -%}
{%- endmacro %}
