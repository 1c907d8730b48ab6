{#- Table 3 for BI: per group and service, follow-up-adjusted annual contacts per person with the Garwood
    CI and the age-sex directly standardised rate with the Fay & Feuer CI (precomputed in
    int_unsuppressed__annual_rates). Primary and complementary suppression (somatic_any, mental_any are totals). -#}
with

annual_rates as (
    select * from {{ ref('int_unsuppressed__annual_rates') }}
),

services as (
    select * from {{ ref('services') }}
),

service_sets as (
    {{ combined_service_sets() }}
),

cells as (
    select
        annual_rates.*,
        services.sort_order,
        service_sets.service_set_key,
        coalesce(service_sets.is_set_total, false) as is_set_total,
        least(annual_rates.events, annual_rates.persons_followed) as primary_basis
    from annual_rates
    left join services
        on annual_rates.service_key = services.service_key
    left join service_sets
        on annual_rates.service_key = service_sets.service_key
),

suppressed as (
    {{ complementary_suppression(
        'cells', set_by=['group_key', 'service_set_key'], is_total_column='is_set_total',
        basis='events', order_by='sort_order', primary_basis='primary_basis'
    ) }}
),

final as (
    select
        group_key,
        service_key,
        sort_order,
        {{ suppress_small_cells('persons_followed', 'persons_followed') }} as persons_followed,
        case when not is_suppressed then events end as contacts,
        {{ suppress_small_cells('person_months', 'persons_followed') }} as person_months,
        case when not is_suppressed then crude_rate_annual end as rate_annual,
        case when not is_suppressed then crude_rate_ci_lower_annual end as rate_ci_lower_annual,
        case when not is_suppressed then crude_rate_ci_upper_annual end as rate_ci_upper_annual,
        case when not is_suppressed then dsr_annual end as dsr_annual,
        case when not is_suppressed then dsr_ci_lower_annual end as dsr_ci_lower_annual,
        case when not is_suppressed then dsr_ci_upper_annual end as dsr_ci_upper_annual,
        is_fully_standardised,
        is_suppressed,
        is_suppressed and not is_primary_suppressed as is_complementary_suppressed
    from suppressed
)

select * from final
