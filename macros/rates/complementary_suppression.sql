{#- Primary plus complementary (secondary) cell suppression over additive sets of cells.

    `relation` (a relation or CTE name) has one row per published cell with:
    - the columns in `set_by`: they name the set a cell belongs to (a total and the components that add
      up to it); a null set means the cell is in no set and only primary suppression applies;
    - `is_total_column`: true for the set's total, false for its components;
    - `basis`: the additive count the cell rests on (contacts, persons), summing over the components to
      the total's;
    - `primary_basis` (defaults to `basis`): the count that decides primary suppression, e.g. the smaller
      of contacts and persons;
    - `order_by`: a tie-breaking column so that the choice of complementary cells is deterministic.

    Returns every input column plus is_primary_suppressed and is_suppressed. When a set's total is
    published and any component is hidden, further components (smallest basis first) are hidden until at
    least two components are hidden and their bases sum to more than the suppression threshold: then the
    total minus the published components gives neither a single hidden cell nor a sum of 1-5.
    See the doc block `rates__complementary_suppression`. -#}
{% macro complementary_suppression(relation, set_by, is_total_column, basis, order_by, primary_basis=none) -%}
    {%- set primary_basis = basis if primary_basis is none else primary_basis -%}
    {%- set threshold = var('suppression_threshold', 5) | int -%}
    {%- set set_columns = set_by | join(', ') -%}
    with

    cs__flagged as (
        select
            *,
            {{ is_suppressed(primary_basis) }} as is_primary_suppressed
        from {{ relation }}
    ),

    cs__ordered as (
        select
            *,
            coalesce(
                bool_or(is_primary_suppressed and not {{ is_total_column }}) over (partition by {{ set_columns }}),
                false
            ) as cs__has_hidden_component,
            coalesce(
                bool_or(is_primary_suppressed and {{ is_total_column }}) over (partition by {{ set_columns }}),
                false
            ) as cs__is_total_hidden,
            -- Components in the order they are hidden: primary first, then the smallest.
            coalesce(sum({{ basis }}) over (
                partition by {{ set_columns }}, {{ is_total_column }}
                order by is_primary_suppressed desc, {{ basis }} asc, {{ order_by }} asc
                rows between unbounded preceding and 1 preceding
            ), 0) as cs__preceding_basis,
            count(*) over (
                partition by {{ set_columns }}, {{ is_total_column }}
                order by is_primary_suppressed desc, {{ basis }} asc, {{ order_by }} asc
                rows between unbounded preceding and 1 preceding
            ) as cs__preceding_cells
        from cs__flagged
    )

    select
        * exclude (cs__has_hidden_component, cs__is_total_hidden, cs__preceding_basis, cs__preceding_cells),
        is_primary_suppressed
        or coalesce(
            {%- for column in set_by %}
            {{ column }} is not null and
            {%- endfor %}
            not {{ is_total_column }}
            and cs__has_hidden_component
            and not cs__is_total_hidden
            and not (cs__preceding_cells >= 2 and cs__preceding_basis > {{ threshold }}),
            false
        ) as is_suppressed
    from cs__ordered
{%- endmacro %}
