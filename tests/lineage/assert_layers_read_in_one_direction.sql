{#- Layers in one direction (docs/architecture.md): a model reads only models of its own layer or of the
    layers before it, staging -> intermediate -> core -> aggregates -> marts. Read from dbt's graph at run
    time; one row per model that reads a layer after its own. -#}
{%- set layer_order = ['staging', 'intermediate', 'core', 'aggregates', 'marts'] -%}
{%- set violations = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == project_name -%}
        {%- set layer = node.fqn[1] -%}
        {%- for parent_id in node.depends_on.nodes if parent_id.startswith('model.') -%}
            {%- set parent = graph.nodes[parent_id] -%}
            {%- set parent_layer = parent.fqn[1] -%}
            {%- if layer not in layer_order or parent_layer not in layer_order
                or layer_order.index(parent_layer) > layer_order.index(layer) -%}
                {%- do violations.append((node.name, layer, parent.name, parent_layer)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}
with

violations as (
    select
        cast(null as string) as model_name,
        cast(null as string) as model_layer,
        cast(null as string) as reads_model,
        cast(null as string) as reads_layer
    where false
    {%- for model_name, layer, parent_name, parent_layer in violations %}
        union all
        select
            '{{ model_name }}' as model_name,
            '{{ layer }}' as model_layer,
            '{{ parent_name }}' as reads_model,
            '{{ parent_layer }}' as reads_layer
    {%- endfor %}
)

select * from violations
