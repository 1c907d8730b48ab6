-- Section 3.4: mean months from settlement to the first GP, out-of-hours or specialist contact.
with

time_to_first_contact as (
    select * from {{ ref('time_to_first_contact') }}
),

final as (
    select
        group_key,
        sex,
        age_group,
        persons_with_contact,
        is_suppressed,
        round(mean_months_to_first_contact, 1) as mean_months_to_first_contact
    from time_to_first_contact
    order by group_key asc, is_group_total desc, sex asc, age_group_sort_order asc
)

select * from final
