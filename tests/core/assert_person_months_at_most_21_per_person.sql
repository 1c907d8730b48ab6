-- A person cannot be followed for more than the 21 months of the inclusion period.
with

person_months as (
    select * from {{ ref('fct_person_months') }}
),

per_person as (
    select
        person_id,
        sum(person_months) as person_months
    from person_months
    group by person_id
),

final as (
    select * from per_person
    where person_months > 21 + 1e-9
)

select * from final
