{#- The materialization of a category model (models/staging/categories/): a select of one column
    `category_value` (distinct, not null), ordered by the column named in config `order_by` (default the
    value itself).
    On DuckDB it creates an ENUM type of those values under the model's name, which categorical() casts
    to; a table built with the type stores the values by themselves, so replacing the type later leaves
    built tables alone. Elsewhere it is a view of the values, and categorical() keeps the text. -#}
{% materialization category, adapter='duckdb' %}
    {%- set order_by = config.get('order_by', 'category_value') -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- call statement('main') -%}
        create or replace type {{ this }} as enum (
            select category_value
            from (
                {{ sql }}
            ) as category_values
            order by {{ order_by }}, category_value
        )
    {%- endcall -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': []}) }}
{% endmaterialization %}

{% materialization category, default %}
    {%- set target_relation = api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier, type='view'
    ) -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- call statement('main') -%}
        {{ get_create_view_as_sql(target_relation, sql) }}
    {%- endcall -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
