{#- Figure 3 by immigration reason (issue 14 item 2) for BI: for the recent groups, per immigration reason
    (refugee, family reunified with a refugee) x month since settlement x service, persons followed, persons
    with at least one contact that month and the share with its Wilson CI. The two reasons add up to the
    group's cell in monthly_contact_share: a cell is hidden when 5 or fewer persons had, or had not, a
    contact, and then its sister reason too unless the group's cell is hidden there (read, never changed),
    so that the group's published counts do not give it back (doc block
    marts__immigration_reason_disclosure). -#}
with

reason_months as (
    select * from {{ ref('int_unsuppressed__monthly_contact_share_by_immigration_reason') }}
),

group_months as (
    select * from {{ ref('int_unsuppressed__monthly_contact_share') }}
),

group_months_published as (
    select * from {{ ref('monthly_contact_share') }}
),

cells as (
    select
        group_key,
        immigration_reason_key,
        months_since_settlement,
        service_key,
        false as is_group_total,
        least(persons_with_contact, persons_followed - persons_with_contact) as share_basis,
        {{ is_suppressed('least(persons_with_contact, persons_followed - persons_with_contact)') }}
            as is_primary_suppressed,
        {{ is_suppressed('least(persons_with_contact, persons_followed - persons_with_contact)') }}
            as is_hidden
    from reason_months
    union all
    select
        group_months.group_key,
        'all' as immigration_reason_key,
        group_months.months_since_settlement,
        group_months.service_key,
        true as is_group_total,
        least(group_months.persons_with_contact, group_months.persons_followed - group_months.persons_with_contact)
            as share_basis,
        group_months_published.is_suppressed as is_primary_suppressed,
        group_months_published.is_suppressed as is_hidden
    from group_months
    inner join group_months_published
        on
            group_months.group_key = group_months_published.group_key
            and group_months.months_since_settlement = group_months_published.months_since_settlement
            and group_months.service_key = group_months_published.service_key
    where group_months.group_key in (select distinct reason_months.group_key from reason_months)
),

suppressed as (
    {{ complementary_suppression(
        'cells', set_by=['group_key', 'months_since_settlement', 'service_key'], is_total_column='is_group_total',
        basis='share_basis', order_by='immigration_reason_key', hidden='is_hidden'
    ) | indent(4) }}
),

final as (
    select
        reason_months.group_key,
        reason_months.immigration_reason_key,
        reason_months.immigration_reason_sort_order,
        reason_months.months_since_settlement,
        reason_months.service_key,
        case when not suppressed.is_hidden then reason_months.persons_followed end as persons_followed,
        case when not suppressed.is_hidden then reason_months.persons_with_contact end as persons_with_contact,
        case when not suppressed.is_hidden then round(reason_months.pct_with_contact, 10) end as pct_with_contact,
        case when not suppressed.is_hidden then round(reason_months.pct_ci_lower, 10) end as pct_ci_lower,
        case when not suppressed.is_hidden then round(reason_months.pct_ci_upper, 10) end as pct_ci_upper,
        suppressed.is_hidden as is_suppressed,
        suppressed.is_hidden and not suppressed.is_primary_suppressed as is_complementary_suppressed
    from reason_months
    inner join suppressed
        on
            reason_months.group_key = suppressed.group_key
            and reason_months.immigration_reason_key = suppressed.immigration_reason_key
            and reason_months.months_since_settlement = suppressed.months_since_settlement
            and reason_months.service_key = suppressed.service_key
            and not suppressed.is_group_total
)

select * from final
