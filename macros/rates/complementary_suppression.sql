{#- Primary plus complementary (secondary) cell suppression over additive sets of cells.

    `relation` (a relation or CTE name) has one row per cell with:
    - the columns in `set_by`: they name the set a cell belongs to (a total and the components that add
      up to it); a null set means the cell is in no set and only primary suppression applies;
    - `is_total_column`: true for the set's total, false for its components. The total may be a row of
      another mart (e.g. annual_rates above the strata of age_sex_rates): its state is read, never changed;
    - `basis`: the additive count the cell rests on (contacts, persons), summing over the components to
      the total's;
    - `primary_basis` (defaults to `basis`): the count that decides primary suppression, e.g. the smaller
      of contacts and persons;
    - `order_by`: a tie-breaking column so that the choice of complementary cells is deterministic.

    Without `hidden` (a first pass) it returns every input column plus is_primary_suppressed and
    is_suppressed. With `hidden`, the name of a boolean column of `relation` saying which cells are hidden
    already (an earlier pass, a total hidden in another mart), it returns the input columns with that column
    updated (and moved last), so that passes over different sets of the same cells can follow each other
    (iterated_complementary_suppression). `protected` (defaults to the hidden cells) says which hidden cells
    must not be recoverable; a hidden cell that is not protected (an unpublished remainder of more than the
    threshold) still counts as hidden when it protects others. `known` marks cells every reader knows
    whatever is published (zero by definition, e.g. men x midwife): they neither protect nor need protecting.

    When a set's total is published and a protected component is hidden, further components (smallest basis
    first) are hidden until at least two unknown components are hidden and their bases sum to more than the
    suppression threshold: then the total minus the published components gives neither a single hidden cell
    nor a sum of 0-5. When the total is hidden and protected, at least one unknown component is hidden, so that
    the published components do not add up to it. See the doc block `rates__complementary_suppression`. -#}
{% macro complementary_suppression(
    relation, set_by, is_total_column, basis, order_by, primary_basis=none, hidden=none, protected=none,
    known=none
) -%}
    {%- set primary_basis = basis if primary_basis is none else primary_basis -%}
    {%- set threshold = var('suppression_threshold', 5) | int -%}
    {%- set set_columns = set_by | join(', ') -%}
    {%- set hidden_expression = 'is_primary_suppressed' if hidden is none else hidden -%}
    {%- set protected_expression = hidden_expression if protected is none else protected -%}
    {%- set known_expression = 'false' if known is none else known -%}
    with

    cs__cells as (
        select
            *{% if hidden is none %},
            {{ is_suppressed(primary_basis) }} as is_primary_suppressed
            {%- endif %}
        from {{ relation }}
    ),

    cs__flagged as (
        select
            *,
            coalesce({{ known_expression }}, false) as cs__is_known,
            coalesce({{ hidden_expression }}, true) as cs__is_hidden,
            coalesce({{ protected_expression }}, true) and not coalesce({{ known_expression }}, false)
                as cs__is_protected
        from cs__cells
    ),

    cs__ordered as (
        select
            *,
            coalesce(
                bool_or(cs__is_protected and cs__is_hidden and not {{ is_total_column }})
                    over (partition by {{ set_columns }}),
                false
            ) as cs__has_protected_component,
            coalesce(
                bool_or(cs__is_hidden and {{ is_total_column }}) over (partition by {{ set_columns }}),
                false
            ) as cs__is_total_hidden,
            coalesce(
                bool_or(cs__is_protected and cs__is_hidden and {{ is_total_column }})
                    over (partition by {{ set_columns }}),
                false
            ) as cs__is_total_protected,
            -- Components in the order they are hidden: hidden ones first, then the smallest. Known cells
            -- add nothing: a reader knows their value.
            coalesce(sum(case when not cs__is_known then {{ basis }} else 0 end) over (
                partition by {{ set_columns }}, {{ is_total_column }}
                order by cs__is_hidden desc, {{ basis }} asc, {{ order_by }} asc
                rows between unbounded preceding and 1 preceding
            ), 0) as cs__preceding_basis,
            count(*) filter (where not cs__is_known) over (
                partition by {{ set_columns }}, {{ is_total_column }}
                order by cs__is_hidden desc, {{ basis }} asc, {{ order_by }} asc
                rows between unbounded preceding and 1 preceding
            ) as cs__preceding_cells
        from cs__flagged
    ),

    cs__decided as (
        select
            *,
            cs__is_hidden
            or coalesce(
                {%- for column in set_by %}
                {{ column }} is not null and
                {%- endfor %}
                not {{ is_total_column }}
                and not cs__is_known
                and (
                    (
                        not cs__is_total_hidden
                        and cs__has_protected_component
                        and not (cs__preceding_cells >= 2 and cs__preceding_basis > {{ threshold }})
                    )
                    or (cs__is_total_protected and cs__preceding_cells = 0)
                ),
                false
            ) as cs__is_suppressed
        from cs__ordered
    )

    select
        {%- if hidden is none %}
        {{ star_except([
            'cs__is_known', 'cs__is_hidden', 'cs__is_protected', 'cs__has_protected_component',
            'cs__is_total_hidden', 'cs__is_total_protected', 'cs__preceding_basis', 'cs__preceding_cells',
            'cs__is_suppressed'
        ]) }},
        cs__is_suppressed as is_suppressed
        {%- else %}
        {#- The updated `hidden` column comes last (no engine-neutral `replace`). #}
        {{ star_except([
            'cs__is_known', 'cs__is_hidden', 'cs__is_protected', 'cs__has_protected_component',
            'cs__is_total_hidden', 'cs__is_total_protected', 'cs__preceding_basis', 'cs__preceding_cells',
            'cs__is_suppressed', hidden
        ]) }},
        cs__is_suppressed as {{ hidden }}
        {%- endif %}
    from cs__decided
{%- endmacro %}


{#- Complementary suppression over cells that belong to several kinds of sets at once: e.g. a stratum of
    age_sex_rates is a component of its group x service total in annual_rates and, for somatic day care, of
    its stratum's somatic_any row. Hiding a cell for one kind of set can leave a single hidden cell in a set
    of the other kind, so one pass per kind (`sets`: a list of {'set_by': [...], 'is_total_column': ...}) is
    repeated until a whole round hides nothing new. `hidden` names the boolean column with the cells hidden
    so far, which is updated; `protected`, `known` as in complementary_suppression.

    The rounds are a recursive CTE (one text of a round, planned once): a round is kept only when it hid
    more cells than the round before, and the last round kept is the answer. Passes only ever hide cells,
    so each kept round hides at least one more and the recursion ends after at most as many rounds as there
    are cells. Written out round by round instead, planning grew with the square of the rounds (four rounds
    of two passes took 8 s to plan in annual_rates_by_country_of_birth, 60 s in its unit test). -#}
{% macro iterated_complementary_suppression(
    relation, sets, basis, order_by, hidden, protected=none, known=none
) -%}
    {{ return(adapter.dispatch('iterated_complementary_suppression')(
        relation, sets, basis, order_by, hidden, protected, known
    )) }}
{%- endmacro %}

{#- Engines whose recursive CTEs allow no window over the recursive reference (Spark): the rounds written
    out, var complementary_suppression_rounds of them, and the query stopped with an error if the last
    round still hid a cell (the answer would then be incomplete, never wrong in silence). -#}
{% macro default__iterated_complementary_suppression(
    relation, sets, basis, order_by, hidden, protected, known
) -%}
    {%- set rounds = var('complementary_suppression_rounds') -%}
    with

    ics__round_0_pass_{{ sets | length }} as (
        select * from {{ relation }}
    ),
    {%- for round in range(1, rounds + 1) %}
    {%- set previous = 'ics__round_' ~ (round - 1) ~ '_pass_' ~ (sets | length) %}
    {%- for set in sets %}

    ics__round_{{ round }}_pass_{{ loop.index }} as (
        {{ complementary_suppression(
            previous if loop.first else 'ics__round_' ~ round ~ '_pass_' ~ loop.index0,
            set_by=set['set_by'], is_total_column=set['is_total_column'],
            basis=basis, order_by=order_by, hidden=hidden, protected=protected, known=known
        ) | indent(8) }}
    ),
    {%- endfor %}
    {%- endfor %}

    ics__convergence as (
        select
            (select count(*) from ics__round_{{ rounds }}_pass_{{ sets | length }} where {{ hidden }})
            = (select count(*) from ics__round_{{ rounds - 1 }}_pass_{{ sets | length }} where {{ hidden }})
                as is_converged
    )

    select ics__round_{{ rounds }}_pass_{{ sets | length }}.*
    from ics__round_{{ rounds }}_pass_{{ sets | length }}
    cross join ics__convergence
    where
        ics__convergence.is_converged
        or {{ query_error("'complementary suppression: cells were still being hidden after " ~ rounds ~ " rounds'") }}
{%- endmacro %}

{#- DuckDB: the rounds as a recursive CTE, as many as it takes. -#}
{% macro duckdb__iterated_complementary_suppression(
    relation, sets, basis, order_by, hidden, protected, known
) -%}
    with recursive

    ics__rounds as (
        -- The round first and `hidden` last, in both branches: complementary_suppression() returns
        -- `hidden` last, and a recursive union matches columns by position.
        select
            0 as ics__round,
            {{ star_except([hidden]) }},
            {{ hidden }}
        from {{ relation }}
        union all
        select * from (
            with

            ics__pass_0 as (
                select
                    *,
                    count(*) filter (where {{ hidden }}) over () as ics__hidden_before
                from ics__rounds
            ),
            {%- for set in sets %}

            ics__pass_{{ loop.index }} as (
                {{ complementary_suppression(
                    'ics__pass_' ~ loop.index0, set_by=set['set_by'], is_total_column=set['is_total_column'],
                    basis=basis, order_by=order_by, hidden=hidden, protected=protected, known=known
                ) | indent(16) }}
            ),
            {%- endfor %}

            ics__counted as (
                select
                    *,
                    count(*) filter (where {{ hidden }}) over () as ics__hidden_after
                from ics__pass_{{ sets | length }}
            )

            select
                ics__round + 1 as ics__round,
                {{ star_except(['ics__round', hidden, 'ics__hidden_before', 'ics__hidden_after']) }},
                {{ hidden }}
            from ics__counted
            where ics__hidden_after > ics__hidden_before
        )
    )

    select {{ star_except(['ics__round']) }}
    from ics__rounds
    where ics__round = (select max(ics__round) from ics__rounds)
{%- endmacro %}
