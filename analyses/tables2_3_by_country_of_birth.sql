-- Tables 2 and 3 by country of birth (issue 14): per refugee group and country of birth (countries with at
-- least var min_country_persons persons in the group, the rest pooled as 'Other countries'), in order of
-- size, for the services of Table 3: persons and contacts (Table 2), the follow-up-adjusted annual rate with
-- its Garwood CI and the age-sex standardised rate with the Fay & Feuer CI (Table 3). Suppressed cells are
-- null.
with

country_rates as (
    select * from {{ ref('annual_rates_by_country_of_birth') }}
),

country_contacts as (
    select * from {{ ref('contacts_by_country_of_birth') }}
),

final as (
    select
        country_rates.group_key,
        country_rates.country_sort_order,
        country_rates.country_name_en,
        country_rates.service_key,
        country_contacts.persons,
        country_rates.contacts,
        country_rates.is_suppressed,
        round(country_contacts.contacts_per_person, 2) as contacts_per_person,
        round(country_rates.rate_annual, 2) as rate_annual,
        round(country_rates.rate_ci_lower_annual, 2) as rate_ci_lower_annual,
        round(country_rates.rate_ci_upper_annual, 2) as rate_ci_upper_annual,
        round(country_rates.dsr_annual, 2) as dsr_annual,
        round(country_rates.dsr_ci_lower_annual, 2) as dsr_ci_lower_annual,
        round(country_rates.dsr_ci_upper_annual, 2) as dsr_ci_upper_annual
    from country_rates
    inner join country_contacts
        on
            country_rates.group_key = country_contacts.group_key
            and country_rates.country_key = country_contacts.country_key
            and country_rates.service_key = country_contacts.service_key
    where {{ is_one_of("country_rates.service_key", var('table3_services')) }}
    order by country_rates.group_key, country_rates.sort_order, country_rates.country_sort_order
)

select * from final
