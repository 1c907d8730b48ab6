{#- Figure 3 before disclosure control: for the recent groups, per month since settlement and service,
    persons followed, persons with at least one contact and the share; with the reference line, the mean
    over the calendar months of the inclusion period of the monthly share among everyone else (the
    general population including refugees settled before 2022). -#}
with

monthly as (
    select * from {{ ref('int_monthly_contact_persons') }}
),

recent_months as (
    select
        group_key,
        months_since_settlement,
        service_key,
        cast(sum(persons_followed) as bigint) as persons_followed,
        cast(sum(persons_with_contact) as bigint) as persons_with_contact
    from monthly
    where months_since_settlement is not null
    group by group_key, months_since_settlement, service_key
),

reference_calendar_months as (
    select
        month_start_date,
        service_key,
        sum(persons_followed) as persons_followed,
        sum(persons_with_contact) as persons_with_contact
    from monthly
    where months_since_settlement is null
    group by month_start_date, service_key
),

reference_line as (
    select
        service_key,
        count(*) as reference_calendar_months,
        min(persons_followed) as reference_min_persons_followed,
        min(persons_with_contact) as reference_min_persons_with_contact,
        avg(cast(100 as double) * persons_with_contact / persons_followed) as reference_mean_monthly_pct
    from reference_calendar_months
    group by service_key
),

final as (
    select
        recent_months.group_key,
        recent_months.months_since_settlement,
        recent_months.service_key,
        recent_months.persons_followed,
        recent_months.persons_with_contact,
        reference_line.reference_calendar_months,
        reference_line.reference_min_persons_followed,
        reference_line.reference_min_persons_with_contact,
        reference_line.reference_mean_monthly_pct,
        cast(100 as double) * recent_months.persons_with_contact / recent_months.persons_followed as pct_with_contact
    from recent_months
    left join reference_line
        on recent_months.service_key = reference_line.service_key
)

select * from final
