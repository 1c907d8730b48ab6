{#- Table 2 by country of birth (issue 14) for BI: per refugee group x country of birth (the countries of
    annual_rates_by_country_of_birth, small ones pooled as 'other') x service, persons, contacts during
    follow-up, contacts per person and per 1,000 persons (not adjusted for follow-up) and mean follow-up
    months. The contacts are the same numbers as in annual_rates_by_country_of_birth, so this mart takes
    that mart's suppression flags: the same cells hidden in both (doc block
    marts__country_of_birth_disclosure). -#}
with

country_rates as (
    select * from {{ ref('int_country_of_birth_rates') }}
),

country_rates_published as (
    select * from {{ ref('annual_rates_by_country_of_birth') }}
),

final as (
    select
        country_rates.group_key,
        country_rates.country_key,
        country_rates.country_name_en,
        country_rates.country_name_no,
        country_rates.is_other_countries,
        country_rates.country_sort_order,
        country_rates.countries,
        country_rates.service_key,
        country_rates.service_family,
        country_rates.per_unit,
        country_rates.sort_order,
        case when not country_rates_published.is_country_hidden then country_rates.persons end as persons,
        case when not country_rates_published.is_suppressed then country_rates.events end as contacts,
        case when not country_rates_published.is_suppressed then country_rates.contacts_per_person end
            as contacts_per_person,
        case when not country_rates_published.is_suppressed then country_rates.contacts_per_1000_persons end
            as contacts_per_1000_persons,
        case when not country_rates_published.is_country_hidden then country_rates.mean_follow_up_months end
            as mean_follow_up_months,
        country_rates_published.is_suppressed,
        country_rates_published.is_complementary_suppressed,
        country_rates_published.is_country_hidden
    from country_rates
    inner join country_rates_published
        on
            country_rates.group_key = country_rates_published.group_key
            and country_rates.country_key = country_rates_published.country_key
            and country_rates.service_key = country_rates_published.service_key
)

select * from final
