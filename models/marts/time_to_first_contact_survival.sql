{#- Kaplan-Meier curves of the months from settlement to the first GP contact and to the first contact of
    any kind (GP, out-of-hours, specialist), per recent group and per group x sex x age group, with 95 %
    log(-log) Greenwood CIs and the median, for BI. Disclosure control (doc block
    `marts__time_to_first_contact_survival_disclosure`):
    1. primary: a month is hidden when its persons at risk are 5 or fewer, or its first contacts or its
       censored persons are 1-5;
    2. truncation: a curve is published up to its first hidden month and not after (a later survival
       beside an earlier one gives back the hidden steps), and the cut is moved earlier until the first
       contacts in the hidden tail are 0 or more than 5 (the tail's count is otherwise the persons with a
       contact in time_to_first_contact, or the month-0 at-risk count, minus the published steps);
    3. complementary across strata: per curve x group x month the group row is the total of its strata
       (persons at risk, first contacts, censored), so complementary_suppression hides further strata;
    2 and 3 are repeated until a round hides nothing new. The first contacts and censored persons per month
    are not published as columns (0 is a count the disclosure scans hide); survival and persons at risk
    imply them, which the doc block states. -#}
{%- set threshold = var('suppression_threshold', 5) | int -%}
{%- set rounds = 4 -%}
{%- set curve = 'first_contact_service, group_key, sex, age_group' -%}

with

survival as (
    select * from {{ ref('int_unsuppressed__time_to_first_contact_survival') }}
),

pass_0 as (
    select
        *,
        {{ is_suppressed('persons_at_risk') }}
        or {{ is_suppressed('first_contacts', suppress_zero=false) }}
        or {{ is_suppressed('persons_censored', suppress_zero=false) }} as is_primary_suppressed,
        cast(sum(first_contacts) over (
            partition by {{ curve }}
            order by months_since_settlement desc
            rows between unbounded preceding and current row
        ) as bigint) as first_contacts_onward
    from survival
),

hidden_0 as (
    select
        *,
        is_primary_suppressed as is_hidden
    from pass_0
),
{%- for round in range(1, rounds + 1) %}

    -- Round {{ round }}: truncate each curve at its first hidden month, moved back to a month from which on
    -- the first contacts are 0 or more than the threshold.
    first_hidden_{{ round }} as (
        select
            *,
            min(months_since_settlement) filter (where is_hidden) over (partition by {{ curve }}) as first_hidden_month
        from hidden_{{ round - 1 }}
    ),

    cut_{{ round }} as (
        select
            *,
            max(months_since_settlement) filter (
                where
                months_since_settlement <= first_hidden_month
                and (first_contacts_onward = 0 or first_contacts_onward > {{ threshold }})
            ) over (partition by {{ curve }}) as cut_month
        from first_hidden_{{ round }}
    ),

    truncated_{{ round }} as (
        select
            {{ star_except(['first_hidden_month', 'cut_month', 'is_hidden']) }},
            first_hidden_month is not null and months_since_settlement >= coalesce(cut_month, 0) as is_hidden
        from cut_{{ round }}
    ),

    hidden_{{ round }} as (
        {{ complementary_suppression(
            'truncated_' ~ round, set_by=['first_contact_service', 'group_key', 'months_since_settlement'],
            is_total_column='is_group_total', basis='persons_at_risk', order_by="sex || age_group",
            hidden='is_hidden'
        ) | indent(8) }}
    ),
{%- endfor %}

-- The last round must have hidden nothing new (cells are only ever hidden, so counts compare them).
convergence as (
    select
        (select count(*) filter (where is_hidden) from hidden_{{ rounds }})
        = (select count(*) filter (where is_hidden) from hidden_{{ rounds - 1 }}) as is_converged
),

suppressed as (
    select hidden_{{ rounds }}.*
    from hidden_{{ rounds }}
    cross join convergence
    where
        convergence.is_converged
        or {{ query_error(
            "'time_to_first_contact_survival: cells were still being hidden after " ~ rounds ~ " rounds'"
        ) }}
),

-- The median is published when its month is.
with_median as (
    select
        *,
        coalesce(bool_or(
            months_since_settlement = median_months_to_first_contact and not is_hidden
        ) over (partition by {{ curve }}), false) as is_median_published
    from suppressed
),

final as (
    select
        first_contact_service,
        group_key,
        sex,
        age_group,
        is_group_total,
        age_group_sort_order,
        months_since_settlement,
        is_hidden as is_suppressed,
        case when not is_hidden then persons_at_risk end as persons_at_risk,
        case when not is_hidden then survival end as survival,
        case when not is_hidden then survival_ci_lower end as survival_ci_lower,
        case when not is_hidden then survival_ci_upper end as survival_ci_upper,
        case when is_median_published then median_months_to_first_contact end as median_months_to_first_contact,
        is_hidden and not is_primary_suppressed as is_complementary_suppressed
    from with_median
)

select * from final
