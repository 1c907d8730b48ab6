{#- Table 2 for BI: per group and service, persons, contacts during follow-up, contacts per person and per
    1,000 persons (not adjusted for follow-up), mean follow-up months. Primary and complementary
    suppression (somatic_any and mental_any are totals of other rows). -#}
with

contacts_by_group as (
    select * from {{ ref('int_unsuppressed__contacts_by_group') }}
),

service_sets as (
    {{ combined_service_sets() }}
),

cells as (
    select
        contacts_by_group.*,
        service_sets.service_set_key,
        coalesce(service_sets.is_set_total, false) as is_set_total,
        -- Contacts rest on the persons followed (as in annual_rates, which publishes the same contacts and
        -- so must hide the same cells).
        least(contacts_by_group.contacts, contacts_by_group.persons, contacts_by_group.persons_followed)
            as primary_basis
    from contacts_by_group
    left join service_sets
        on contacts_by_group.service_key = service_sets.service_key
),

suppressed as (
    {{ complementary_suppression(
        'cells', set_by=['group_key', 'service_set_key'], is_total_column='is_set_total',
        basis='contacts', order_by='sort_order', primary_basis='primary_basis'
    ) }}
),

final as (
    select
        group_key,
        service_key,
        service_family,
        per_unit,
        sort_order,
        {{ suppress_small_cells('persons', 'persons') }} as persons,
        case when not is_suppressed then contacts end as contacts,
        case when not is_suppressed then round(contacts_per_person, 10) end as contacts_per_person,
        case when not is_suppressed then round(contacts_per_1000_persons, 10) end as contacts_per_1000_persons,
        {{ suppress_small_cells('round(mean_follow_up_months, 10)', 'persons') }} as mean_follow_up_months,
        is_suppressed,
        is_suppressed and not is_primary_suppressed as is_complementary_suppressed
    from suppressed
)

select * from final
