{#- Time to first contact for BI: among recent refugees with a GP, out-of-hours or specialist contact,
    mean months from the settlement month to the first contact, per group and per group x sex x age
    group. Primary and complementary suppression (the group row is the total of its strata). -#}
with

first_contact as (
    select * from {{ ref('int_unsuppressed__time_to_first_contact') }}
),

suppressed as (
    {{ complementary_suppression(
        'first_contact', set_by=['group_key'], is_total_column='is_group_total',
        basis='persons_with_contact', order_by="sex || age_group"
    ) }}
),

final as (
    select
        group_key,
        sex,
        age_group,
        is_group_total,
        age_group_sort_order,
        is_suppressed,
        case when not is_suppressed then persons_with_contact end as persons_with_contact,
        case when not is_suppressed then round(mean_months_to_first_contact, 10) end
            as mean_months_to_first_contact,
        is_suppressed and not is_primary_suppressed as is_complementary_suppressed
    from suppressed
)

select * from final
