{#- Time to first contact by immigration reason before disclosure control: per recent refugee group x
    immigration reason (Igrus2 71 refugee, 74 family reunified) x first contact ('any': GP, out-of-hours or
    specialist care, the report's measure; 'gp': GP only), among those with such a contact during follow-up,
    the mean months from the settlement month to the month of the first contact with a normal-approximation
    CI (mean -/+ z sd / sqrt(n), z = normal_quantile()), and the share of the reason's recent refugees with
    follow-up who had one. Plus, per group and first contact, the total of the two reasons (is_group_total),
    which the mart's complementary suppression sets the reasons against. A table: normal_quantile calls the
    gamma_quantile UDF. -#}
{{ config(materialized='table') }}
{%- set mean = 'cast(all_rows.months_to_first_sum as double) / nullif(all_rows.persons_with_contact, 0)' -%}
{%- set half_width = normal_quantile() ~ ' * sqrt(all_rows.months_to_first_variance / all_rows.persons_with_contact)' %}

with

person_totals as (
    select * from {{ ref('int_recent_refugee_person_totals') }}
),

reason_persons as (
    select * from {{ ref('int_immigration_reason_persons') }}
),

immigration_reasons as (
    select * from {{ ref('immigration_reasons') }}
),

person_first_contacts as (
    select
        person_totals.group_key,
        reason_persons.immigration_reason_key,
        person_totals.person_months > 0 as is_followed,
        person_totals.months_to_first_contact,
        person_totals.months_to_first_gp_contact
    from person_totals
    inner join reason_persons
        on person_totals.person_id = reason_persons.person_id
),

first_contact_months as (
    select
        group_key,
        immigration_reason_key,
        is_followed,
        'any' as first_contact_service,
        months_to_first_contact as months_to_first
    from person_first_contacts
    union all
    select
        group_key,
        immigration_reason_key,
        is_followed,
        'gp' as first_contact_service,
        months_to_first_gp_contact as months_to_first
    from person_first_contacts
),

reason_rows as (
    select
        group_key,
        immigration_reason_key,
        first_contact_service,
        false as is_group_total,
        count(*) filter (where is_followed) as persons_followed,
        count(months_to_first) as persons_with_contact,
        sum(months_to_first) as months_to_first_sum,
        var_samp(months_to_first) as months_to_first_variance
    from first_contact_months
    group by group_key, immigration_reason_key, first_contact_service
),

group_rows as (
    select
        group_key,
        'all' as immigration_reason_key,
        first_contact_service,
        true as is_group_total,
        count(*) filter (where is_followed) as persons_followed,
        count(months_to_first) as persons_with_contact,
        sum(months_to_first) as months_to_first_sum,
        var_samp(months_to_first) as months_to_first_variance
    from first_contact_months
    group by group_key, first_contact_service
),

all_rows as (
    select * from reason_rows
    union all
    select * from group_rows
),

final as (
    select
        all_rows.group_key,
        all_rows.immigration_reason_key,
        coalesce(immigration_reasons.sort_order, 0) as immigration_reason_sort_order,
        all_rows.first_contact_service,
        all_rows.is_group_total,
        cast(all_rows.persons_followed as bigint) as persons_followed,
        cast(all_rows.persons_with_contact as bigint) as persons_with_contact,
        -- Stored to 12 significant digits (macro round_significant), as the rates are.
        {{ round_significant(
            'cast(100 as double) * all_rows.persons_with_contact / nullif(all_rows.persons_followed, 0)'
        ) }}
            as pct_with_contact,
        {{ round_significant(mean) }} as mean_months_to_first_contact,
        {{ round_significant(mean ~ ' - ' ~ half_width) }} as mean_months_ci_lower,
        {{ round_significant(mean ~ ' + ' ~ half_width) }} as mean_months_ci_upper
    from all_rows
    left join immigration_reasons
        on all_rows.immigration_reason_key = immigration_reasons.immigration_reason_key
)

select * from final
