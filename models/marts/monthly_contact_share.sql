{#- Figure 3 for BI: for the recent groups, per month since settlement and service, persons followed,
    persons with at least one contact and the share, with the general population's mean monthly share as
    the reference line. -#}
with

monthly as (
    select * from {{ ref('int_unsuppressed__monthly_contact_share') }}
),

flagged as (
    select
        *,
        {{ is_suppressed('least(persons_with_contact, persons_followed - persons_with_contact)') }}
            as is_suppressed,
        {{ is_suppressed(
            'least(reference_min_persons_with_contact, '
            ~ 'reference_min_persons_followed - reference_min_persons_with_contact)'
        ) }} as is_reference_suppressed
    from monthly
),

final as (
    select
        group_key,
        months_since_settlement,
        service_key,
        {{ suppress_small_cells('persons_followed', 'persons_followed') }} as persons_followed,
        case when not is_suppressed then persons_with_contact end as persons_with_contact,
        case when not is_suppressed then round(pct_with_contact, 10) end as pct_with_contact,
        case when not is_reference_suppressed then round(reference_mean_monthly_pct, 10) end
            as reference_mean_monthly_pct,
        is_suppressed,
        is_reference_suppressed
    from flagged
)

select * from final
