-- The person-month spine and the person dimension compute follow-up independently (month by month vs
-- one interval): per group they must agree, and every person with follow-up must have months.
with

persons as (
    select * from {{ ref('dim_persons') }}
),

person_months as (
    select * from {{ ref('fct_person_months') }}
),

from_persons as (
    select
        group_key,
        sum(follow_up_months) as follow_up_months,
        count(case when follow_up_months > 0 then 1 end) as persons_followed
    from persons
    group by group_key
),

from_person_months as (
    select
        group_key,
        sum(person_months) as person_months,
        count(distinct person_id) as persons_followed
    from person_months
    group by group_key
),

final as (
    select
        from_persons.group_key,
        from_persons.follow_up_months,
        from_person_months.person_months,
        from_persons.persons_followed,
        from_person_months.persons_followed as persons_with_months
    from from_persons
    left join from_person_months
        on from_persons.group_key = from_person_months.group_key
)

select * from final
where
    abs(follow_up_months - coalesce(person_months, 0)) > 1e-6 * greatest(follow_up_months, 1)
    or persons_followed <> coalesce(persons_with_months, 0)
