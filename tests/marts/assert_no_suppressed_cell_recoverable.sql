{#- No hidden cell may be recovered by subtraction from a published total in the same mart. For every set
    of a total and its parts (contacts_by_group and annual_rates: somatic_any and mental_any and their rows;
    time_to_first_contact: the group row and its sex x age strata), using only the published numbers: with
    the total published, total minus the published parts must be 0 when no part is hidden, and otherwise rest
    on at least two hidden parts and be more than the suppression threshold. Returns the offending sets. -#}
{%- set threshold = var('suppression_threshold', 5) | int -%}

with

contacts_by_group as (
    select * from {{ ref('contacts_by_group') }}
),

annual_rates as (
    select * from {{ ref('annual_rates') }}
),

time_to_first_contact as (
    select * from {{ ref('time_to_first_contact') }}
),

service_sets as (
    {{ combined_service_sets() }}
),

service_cells as (
    select
        'contacts_by_group' as mart,
        contacts_by_group.group_key as set_key,
        service_sets.service_set_key as set_name,
        service_sets.is_set_total,
        contacts_by_group.contacts as published_value,
        contacts_by_group.is_suppressed
    from contacts_by_group
    inner join service_sets
        on contacts_by_group.service_key = service_sets.service_key
    union all
    select
        'annual_rates' as mart,
        annual_rates.group_key as set_key,
        service_sets.service_set_key as set_name,
        service_sets.is_set_total,
        annual_rates.contacts as published_value,
        annual_rates.is_suppressed
    from annual_rates
    inner join service_sets
        on annual_rates.service_key = service_sets.service_key
),

stratum_cells as (
    select
        'time_to_first_contact' as mart,
        group_key as set_key,
        'persons_with_contact' as set_name,
        is_group_total as is_set_total,
        persons_with_contact as published_value,
        is_suppressed
    from time_to_first_contact
    union all
    -- The sum of months adds up too: mean x persons.
    select
        'time_to_first_contact' as mart,
        group_key as set_key,
        'months_to_first_contact_sum' as set_name,
        is_group_total as is_set_total,
        round(mean_months_to_first_contact * persons_with_contact) as published_value,
        is_suppressed
    from time_to_first_contact
),

cells as (
    select * from service_cells
    union all
    select * from stratum_cells
),

sets as (
    select
        mart,
        set_key,
        set_name,
        max(case when is_set_total then published_value end) as published_total,
        coalesce(bool_or(is_set_total and not is_suppressed), false) as is_total_published,
        sum(case when not is_set_total and not is_suppressed then published_value else 0 end)
            as published_parts,
        count(*) filter (where not is_set_total and is_suppressed) as hidden_parts
    from cells
    group by mart, set_key, set_name
),

final as (
    select
        *,
        published_total - published_parts as recoverable_remainder
    from sets
    where
        is_total_published
        and (
            (hidden_parts = 0 and published_total <> published_parts)
            or (hidden_parts = 1)
            or (
                hidden_parts >= 2
                and set_name <> 'months_to_first_contact_sum'
                and published_total - published_parts <= {{ threshold }}
            )
        )
)

select * from final
