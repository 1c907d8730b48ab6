{#- Sibling of assert_no_country_of_birth_cell_recoverable for the marts split by immigration reason (issue
    14 item 2): no hidden cell may be recovered by subtraction, with the same rule
    (macros/tests/recoverable_set_failures.sql). Each set is listed with its published numbers only:
    - annual_rates_by_immigration_reason: each group x service row of annual_rates over the two reasons
      (contacts), the group's persons followed and person-months over the reasons', and within a reason
      somatic_any and mental_any over their parts;
    - monthly_contact_share_by_immigration_reason: each group x month x service cell of
      monthly_contact_share over the two reasons, for persons followed, persons with a contact and persons
      without one;
    - time_to_first_contact_by_immigration_reason: each group x first contact row ('all') over the reasons,
      for persons followed, persons with a contact and the sum of months (mean x persons), and for 'any' the
      group row of time_to_first_contact as the total too. Returns the offending sets. -#}
with

reason_rates as (
    select * from {{ ref('annual_rates_by_immigration_reason') }}
),

reason_months as (
    select * from {{ ref('monthly_contact_share_by_immigration_reason') }}
),

reason_first_contact as (
    select * from {{ ref('time_to_first_contact_by_immigration_reason') }}
),

annual_rates as (
    select * from {{ ref('annual_rates') }}
),

monthly_contact_share as (
    select * from {{ ref('monthly_contact_share') }}
),

time_to_first_contact as (
    select * from {{ ref('time_to_first_contact') }}
),

service_sets as (
    {{ combined_service_sets() }}
),

refugee_groups as (
    select distinct group_key from reason_rates
),

recent_groups as (
    select distinct group_key from reason_months
),

-- ------------------------------------------------------------------------- Table 3 by reason
rate_cells as (
    select
        'annual_rates_by_immigration_reason: service sets' as link,
        reason_rates.group_key || ' ' || reason_rates.immigration_reason_key || ' ' || service_sets.service_set_key
            as set_key,
        'contacts' as measure,
        service_sets.is_set_total as is_total,
        cast(reason_rates.contacts as double) as published_value,
        reason_rates.is_suppressed as is_hidden
    from reason_rates
    inner join service_sets
        on reason_rates.service_key = service_sets.service_key
    union all
    select
        'annual_rates over reasons' as link,
        annual_rates.group_key || ' ' || annual_rates.service_key as set_key,
        'contacts' as measure,
        true as is_total,
        cast(annual_rates.contacts as double) as published_value,
        annual_rates.is_suppressed as is_hidden
    from annual_rates
    inner join refugee_groups
        on annual_rates.group_key = refugee_groups.group_key
    union all
    select
        'annual_rates over reasons' as link,
        group_key || ' ' || service_key as set_key,
        'contacts' as measure,
        false as is_total,
        cast(contacts as double) as published_value,
        is_suppressed as is_hidden
    from reason_rates
),

-- A group's (a reason's) persons followed and person-months are on each of its rows.
follow_up as (
    select
        'annual_rates' as source_table,
        group_key,
        'all' as immigration_reason_key,
        max(persons_followed) as persons_followed,
        max(person_months) as person_months
    from annual_rates
    where group_key in (select refugee_groups.group_key from refugee_groups)
    group by group_key
    union all
    select
        'reasons' as source_table,
        group_key,
        immigration_reason_key,
        max(persons_followed) as persons_followed,
        max(person_months) as person_months
    from reason_rates
    group by group_key, immigration_reason_key
),

follow_up_cells as (
    select
        'annual_rates over reasons' as link,
        group_key as set_key,
        'persons_followed' as measure,
        source_table = 'annual_rates' as is_total,
        cast(persons_followed as double) as published_value,
        persons_followed is null as is_hidden
    from follow_up
    union all
    select
        'annual_rates over reasons' as link,
        group_key as set_key,
        'person_months' as measure,
        source_table = 'annual_rates' as is_total,
        cast(person_months as double) as published_value,
        person_months is null as is_hidden
    from follow_up
),

-- -------------------------------------------------------------------------- Figure 3 by reason
month_values as (
    select
        group_key,
        months_since_settlement,
        service_key,
        true as is_total,
        cast(persons_followed as double) as persons_followed,
        cast(persons_with_contact as double) as persons_with_contact,
        persons_followed is null as is_followed_hidden,
        is_suppressed as is_hidden
    from monthly_contact_share
    where group_key in (select recent_groups.group_key from recent_groups)
    union all
    select
        group_key,
        months_since_settlement,
        service_key,
        false as is_total,
        cast(persons_followed as double) as persons_followed,
        cast(persons_with_contact as double) as persons_with_contact,
        persons_followed is null as is_followed_hidden,
        is_suppressed as is_hidden
    from reason_months
),

month_cells as (
    select
        'monthly_contact_share over reasons' as link,
        group_key || ' ' || months_since_settlement || ' ' || service_key as set_key,
        'persons_followed' as measure,
        is_total,
        persons_followed as published_value,
        is_followed_hidden as is_hidden
    from month_values
    union all
    select
        'monthly_contact_share over reasons' as link,
        group_key || ' ' || months_since_settlement || ' ' || service_key as set_key,
        'persons_with_contact' as measure,
        is_total,
        persons_with_contact as published_value,
        is_hidden
    from month_values
    union all
    select
        'monthly_contact_share over reasons' as link,
        group_key || ' ' || months_since_settlement || ' ' || service_key as set_key,
        'persons_without_contact' as measure,
        is_total,
        persons_followed - persons_with_contact as published_value,
        is_hidden or is_followed_hidden as is_hidden
    from month_values
),

-- ----------------------------------------------------------------- time to first contact by reason
first_contact_values as (
    select
        'time_to_first_contact_by_immigration_reason' as source_mart,
        group_key,
        first_contact_service,
        is_group_total as is_total,
        cast(persons_followed as double) as persons_followed,
        cast(persons_with_contact as double) as persons_with_contact,
        mean_months_to_first_contact * persons_with_contact as months_to_first_contact_sum,
        is_suppressed as is_hidden
    from reason_first_contact
    union all
    select
        'time_to_first_contact' as source_mart,
        group_key,
        'any' as first_contact_service,
        true as is_total,
        null as persons_followed,
        cast(persons_with_contact as double) as persons_with_contact,
        mean_months_to_first_contact * persons_with_contact as months_to_first_contact_sum,
        is_suppressed as is_hidden
    from time_to_first_contact
    where is_group_total and group_key in (select recent_groups.group_key from recent_groups)
),

-- Each measure over the reasons against each total that publishes it (time_to_first_contact has no
-- persons followed).
first_contact_cells as (
    select
        'time_to_first_contact_by_immigration_reason over reasons' as link,
        group_key || ' ' || first_contact_service as set_key,
        'persons_followed' as measure,
        is_total,
        persons_followed as published_value,
        is_hidden
    from first_contact_values
    where not is_total or source_mart = 'time_to_first_contact_by_immigration_reason'
    union all
    select
        'time_to_first_contact_by_immigration_reason over reasons' as link,
        group_key || ' ' || first_contact_service as set_key,
        'persons_with_contact' as measure,
        is_total,
        persons_with_contact as published_value,
        is_hidden
    from first_contact_values
    where not is_total or source_mart = 'time_to_first_contact_by_immigration_reason'
    union all
    select
        'time_to_first_contact over reasons' as link,
        group_key || ' ' || first_contact_service as set_key,
        'persons_with_contact' as measure,
        is_total,
        persons_with_contact as published_value,
        is_hidden
    from first_contact_values
    where not is_total or (source_mart = 'time_to_first_contact' and first_contact_service = 'any')
    union all
    select
        'time_to_first_contact_by_immigration_reason over reasons' as link,
        group_key || ' ' || first_contact_service as set_key,
        'months_to_first_contact_sum' as measure,
        is_total,
        months_to_first_contact_sum as published_value,
        is_hidden
    from first_contact_values
    where not is_total or source_mart = 'time_to_first_contact_by_immigration_reason'
    union all
    select
        'time_to_first_contact over reasons' as link,
        group_key || ' ' || first_contact_service as set_key,
        'months_to_first_contact_sum' as measure,
        is_total,
        months_to_first_contact_sum as published_value,
        is_hidden
    from first_contact_values
    where not is_total or (source_mart = 'time_to_first_contact' and first_contact_service = 'any')
),

cells as (
    select * from rate_cells
    union all
    select * from follow_up_cells
    union all
    select * from month_cells
    union all
    select * from first_contact_cells
),

failures as (
    {{ recoverable_set_failures('cells', non_counts=['person_months', 'months_to_first_contact_sum']) | indent(4) }}
)

select * from failures
