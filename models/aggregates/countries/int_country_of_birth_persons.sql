{#- One row per refugee group x country of birth: persons, and the published row (country_key) they go to:
    the country itself when the group has at least var min_country_persons persons born there, else the
    pooled row 'other' (other countries). Doc block countries__pooling. -#}
with

persons as (
    select * from {{ ref('dim_persons') }}
),

countries as (
    select * from {{ ref('countries') }}
),

group_countries as (
    select
        group_key,
        -- A person without a country of birth is pooled with the small countries.
        coalesce(country_of_birth_code, 'unknown') as country_of_birth_code,
        count(*) as persons
    from persons
    where {{ is_one_of("group_key", var('country_of_birth_groups')) }}
    group by group_key, coalesce(country_of_birth_code, 'unknown')
),

final as (
    select
        group_countries.group_key,
        group_countries.country_of_birth_code,
        countries.country_name_en,
        group_countries.persons,
        group_countries.persons >= {{ var('min_country_persons') }} and countries.country_code is not null
            as is_published_country,
        case
            when group_countries.persons >= {{ var('min_country_persons') }} and countries.country_code is not null
                then group_countries.country_of_birth_code
            else 'other'
        end as country_key
    from group_countries
    left join countries
        on group_countries.country_of_birth_code = countries.country_code
)

select * from final
