{#- The warehouse's Python UDFs (gamma_quantile) exist only on dbt's own connections
    (warehouse_functions/ via the dbt-duckdb plugin). A view that calls one breaks for every BI tool
    that opens the DuckDB file, so a model whose SQL calls a UDF must be a table; this stops the
    compile of a view that tries. An ephemeral model cannot be checked (its consumer decides), so
    keep UDF calls out of ephemeral models. -#}
{% macro require_table_for_udfs(caller_name) -%}
    {%- if execute and model is defined and model.resource_type == 'model' -%}
        {%- set materialized = model.config.materialized -%}
        {%- if materialized == 'view' -%}
            {{ exceptions.raise_compiler_error(
                "Model '" ~ model.name ~ "' calls " ~ caller_name ~ "(), which uses a Python UDF that "
                ~ "BI tools do not have; materialize it as a table (it is '" ~ materialized ~ "') "
                ~ "and let views select its precomputed columns."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
