{#- The rule of the recoverability tests (assert_no_*_cell_recoverable), over `cells`: a relation or CTE
    with one row per published cell of an additive set: link (which tables), set_key, measure, is_total,
    published_value (null when hidden) and is_hidden. A set fails when its total is published and total
    minus the published parts is not 0 with no part hidden, or exactly one part is hidden, or (counts) two or
    more hidden parts sum to 0..threshold; or when its total is hidden and every part is published. Measures
    named in `non_counts` (person-months, sums of months) are not counts: only the first two rules apply.
    Returns the failing sets with link, set_key, measure, is_count, is_total_published, is_total_hidden,
    published_total, published_parts, hidden_parts, recoverable_remainder, has_remainder. -#}
{% macro recoverable_set_failures(cells, non_counts=['person_months']) -%}
{%- set threshold = var('suppression_threshold', 5) | int -%}
with

rsf__sets as (
    select
        link,
        set_key,
        measure,
        measure not in ('{{ non_counts | join("', '") }}') as is_count,
        coalesce(bool_or(is_total and not is_hidden), false) as is_total_published,
        coalesce(bool_or(is_total and is_hidden), false) as is_total_hidden,
        max(case when is_total then published_value end) as published_total,
        sum(case when not is_total and not is_hidden then published_value else 0 end) as published_parts,
        count(*) filter (where not is_total and is_hidden) as hidden_parts
    from {{ cells }}
    group by link, set_key, measure
),

rsf__assessed as (
    select
        *,
        published_total - published_parts as recoverable_remainder,
        -- Counts are whole numbers; person-months and means are rounded to 10 decimals, so their sums
        -- are compared to 1e-9 relative.
        abs(published_total - published_parts) > 0.000000001 * greatest(1, abs(published_total)) as has_remainder
    from rsf__sets
)

select *
from rsf__assessed
where
    (
        is_total_published
        and (
            (hidden_parts = 0 and has_remainder)
            or hidden_parts = 1
            or (hidden_parts >= 2 and is_count and recoverable_remainder <= {{ threshold }})
        )
    )
    or (is_total_hidden and hidden_parts = 0)
{%- endmacro %}
