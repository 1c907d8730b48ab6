{#- Directly standardised rate with the Fay & Feuer (1997) gamma confidence interval, computed as
    R's epitools::ageadjust.direct, per person-month and then annualised (x 12; variance x 144).

    `relation` (a relation or CTE name) has one row per group x stratum with the columns
    `group_by`..., the stratum columns (any), events, person_months and reference_person_months.
    Returns a select with one row per group. See the doc block `rates__direct_standardisation`.
    Calls the gamma_quantile UDF, so only tables may use it. -#}
{% macro direct_standardised_rate(relation, group_by, alpha=none) -%}
    {%- set alpha = (var('ci_alpha', 0.05) if alpha is none else alpha) | float -%}
    {%- do require_table_for_udfs('direct_standardised_rate') -%}
    {%- set group_columns = group_by | join(', ') -%}
    with

    dsr__weighted_strata as (
        select
            {{ group_columns }},
            cast(events as bigint) as events,
            cast(person_months as double) as person_months,
            -- Weights use the whole reference population; a stratum that drops out below keeps its
            -- share of the total (nothing is renormalised) and is reported as dropped weight.
            cast(reference_person_months as double)
            / nullif(sum(cast(reference_person_months as double)) over (partition by {{ group_columns }}), 0)
                as reference_weight,
            -- A stratum without person-time has no rate d/n, so it cannot enter the sums.
            coalesce(person_months > 0, false) as is_in_rate
        from {{ relation }}
    ),

    dsr__stratum_terms as (
        select
            *,
            -- Same expressions as ageadjust.direct: w * (d / n), w^2 * (d / n^2), w / n.
            case when is_in_rate then reference_weight * (events / person_months) end as weighted_rate,
            case
                when is_in_rate
                    then (reference_weight * reference_weight) * (events / (person_months * person_months))
            end as weighted_variance,
            case when is_in_rate then reference_weight / person_months end as weight_per_person_month
        from dsr__weighted_strata
    ),

    dsr__sums as (
        select
            {{ group_columns }},
            cast(sum(events) as bigint) as events,
            sum(person_months) as person_months,
            count(*) as stratum_count,
            count(*) filter (where not is_in_rate) as dropped_stratum_count,
            coalesce(sum(reference_weight) filter (where not is_in_rate), 0) as dropped_reference_weight,
            sum(weighted_rate) as dsr,
            sum(weighted_variance) as dsr_variance,
            -- Strata with zero events count here: they widen the upper bound.
            max(weight_per_person_month) as max_weight_per_person_month
        from dsr__stratum_terms
        group by {{ group_columns }}
    )

    select
        {{ group_columns }},
        events,
        person_months,
        dsr * 12 as dsr_annual,
        dsr_variance * 144 as dsr_variance_annual,
        case
            -- No events: var = 0 and the gamma shape dsr^2/var is 0/0; the bound is 0.
            when dsr = 0 then cast(0 as double)
            else gamma_quantile({{ alpha / 2 }}, (dsr * dsr) / dsr_variance, dsr_variance / dsr) * 12
        end as dsr_ci_lower_annual,
        -- With dsr = 0 this is qgamma(1 - alpha/2, shape 1, scale wm): only the wm terms remain.
        gamma_quantile(
            {{ 1 - alpha / 2 }},
            ((dsr + max_weight_per_person_month) * (dsr + max_weight_per_person_month))
            / nullif(dsr_variance + max_weight_per_person_month * max_weight_per_person_month, 0),
            (dsr_variance + max_weight_per_person_month * max_weight_per_person_month)
            / nullif(dsr + max_weight_per_person_month, 0)
        ) * 12 as dsr_ci_upper_annual,
        stratum_count,
        dropped_stratum_count,
        dropped_reference_weight,
        coalesce(dsr is not null and dropped_reference_weight = 0, false) as is_fully_standardised
    from dsr__sums
{%- endmacro %}
