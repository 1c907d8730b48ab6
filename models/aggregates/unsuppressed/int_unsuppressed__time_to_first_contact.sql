{#- Time to first contact before disclosure control: among recent refugees with at least one GP,
    out-of-hours or specialist contact during follow-up, the mean months from the settlement month to the
    month of the first contact, per group (sex and age_group 'all') and per group x sex x age group. -#}
with

person_totals as (
    select * from {{ ref('int_recent_refugee_person_totals') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

with_contact as (
    select
        group_key,
        sex,
        age_group,
        months_to_first_contact
    from person_totals
    where months_to_first_contact is not null
),

group_rows as (
    select
        group_key,
        'all' as sex,
        'all' as age_group,
        true as is_group_total,
        count(*) as persons_with_contact,
        sum(months_to_first_contact) as months_to_first_contact_sum
    from with_contact
    group by group_key
),

stratum_rows as (
    select
        group_key,
        sex,
        age_group,
        false as is_group_total,
        count(*) as persons_with_contact,
        sum(months_to_first_contact) as months_to_first_contact_sum
    from with_contact
    group by group_key, sex, age_group
),

all_rows as (
    select * from group_rows
    union all
    select * from stratum_rows
),

final as (
    select
        all_rows.group_key,
        all_rows.sex,
        all_rows.age_group,
        all_rows.is_group_total,
        cast(all_rows.persons_with_contact as bigint) as persons_with_contact,
        coalesce(age_groups.sort_order, 0) as age_group_sort_order,
        cast(all_rows.months_to_first_contact_sum as double) / all_rows.persons_with_contact
            as mean_months_to_first_contact
    from all_rows
    left join age_groups
        on all_rows.age_group = age_groups.age_group
)

select * from final
