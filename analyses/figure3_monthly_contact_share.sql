-- Figure 3: % of recent refugees followed in a month since settlement with at least one contact that
-- month, with the general population's mean monthly % as the reference line.
with

monthly_contact_share as (
    select * from {{ ref('monthly_contact_share') }}
),

final as (
    select
        service_key,
        group_key,
        months_since_settlement,
        is_suppressed,
        round(pct_with_contact, 1) as pct_with_contact,
        round(reference_mean_monthly_pct, 1) as reference_mean_monthly_pct
    from monthly_contact_share
    order by service_key, group_key, months_since_settlement
)

select * from final
