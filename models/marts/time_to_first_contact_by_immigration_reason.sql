{#- Time to first contact by immigration reason (issue 14 item 2) for BI: per recent refugee group x
    immigration reason (refugee, family reunified with a refugee; 'all' on the group's row) x first contact
    ('any': GP, out-of-hours or specialist care, as in time_to_first_contact; 'gp': GP only), persons
    followed, persons with such a contact and their share, and the mean months from the settlement month to
    the first contact with its CI. The reasons add up to the group's row: primary suppression (5 or fewer
    persons with, or without, a contact), then complementary suppression over each group x first contact; the 'any' group
    row is time_to_first_contact's and takes that mart's flag (doc block
    marts__immigration_reason_disclosure). -#}
{#- The share is published, so a cell is hidden when 5 or fewer persons had, or had not, such a contact. -#}
{%- set primary_basis = 'least(first_contact.persons_with_contact, '
    ~ 'first_contact.persons_followed - first_contact.persons_with_contact)' %}
with

first_contact as (
    select * from {{ ref('int_unsuppressed__time_to_first_contact_by_immigration_reason') }}
),

group_first_contact_published as (
    select * from {{ ref('time_to_first_contact') }}
    where is_group_total
),

cells as (
    select
        first_contact.*,
        {{ is_suppressed(primary_basis) }} as is_primary_suppressed,
        {{ is_suppressed(primary_basis) }}
        or coalesce(
            first_contact.is_group_total and first_contact.first_contact_service = 'any'
            and group_first_contact_published.is_suppressed,
            false
        ) as is_hidden
    from first_contact
    left join group_first_contact_published
        on first_contact.group_key = group_first_contact_published.group_key
),

suppressed as (
    {{ complementary_suppression(
        'cells', set_by=['group_key', 'first_contact_service'], is_total_column='is_group_total',
        basis='persons_with_contact', order_by='immigration_reason_key', hidden='is_hidden'
    ) | indent(4) }}
),

final as (
    select
        group_key,
        immigration_reason_key,
        immigration_reason_sort_order,
        first_contact_service,
        is_group_total,
        case when not is_hidden then persons_followed end as persons_followed,
        case when not is_hidden then persons_with_contact end as persons_with_contact,
        case when not is_hidden then round(pct_with_contact, 10) end as pct_with_contact,
        case when not is_hidden then round(mean_months_to_first_contact, 10) end as mean_months_to_first_contact,
        case when not is_hidden then round(mean_months_ci_lower, 10) end as mean_months_ci_lower,
        case when not is_hidden then round(mean_months_ci_upper, 10) end as mean_months_ci_upper,
        is_hidden as is_suppressed,
        is_hidden and not is_primary_suppressed as is_complementary_suppressed
    from suppressed
)

select * from final
