{#- One row per person of the refugee groups in var immigration_reason_groups: the immigration reason
    (Igrus2 71 refugee, 74 family reunified with a refugee; seed immigration_reasons) that the marts split
    by. A refugee has one of the two codes by definition; any other value becomes 'unknown', which the
    accepted_values test on immigration_reason_key reports. -#}
with

persons as (
    select * from {{ ref('dim_persons') }}
),

immigration_reasons as (
    select * from {{ ref('immigration_reasons') }}
),

final as (
    select
        persons.person_id,
        persons.group_key,
        persons.igrus2_code,
        coalesce(immigration_reasons.immigration_reason_key, 'unknown') as immigration_reason_key
    from persons
    left join immigration_reasons
        on persons.igrus2_code = immigration_reasons.igrus2_code
    where {{ is_one_of("persons.group_key", var('immigration_reason_groups')) }}
)

select * from final
