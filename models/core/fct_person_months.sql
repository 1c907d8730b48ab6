{{ config(materialized='view') }}
{#- One row per person per calendar month of follow-up, with one contact count per service: a view over
    fct_person_months_packed, which stores the counts packed four to a 64-bit word on DuckDB (writing 18
    count columns of ~120 million rows cost more than all the table's other columns together;
    macros/packed_counts.sql). Unpacking is a shift and a mask per value, so reading the counts from here
    costs about what reading 18 stored columns would. -#}
{%- set count_columns = report_service_count_columns() -%}
with

person_months_packed as (
    select * from {{ ref('fct_person_months_packed') }}
),

final as (
    select
        person_months_packed.person_id,
        person_months_packed.month_start_date,
        person_months_packed.group_key,
        person_months_packed.sex,
        person_months_packed.age_group,
        person_months_packed.months_since_settlement,
        person_months_packed.municipality_code,
        person_months_packed.person_days,
        person_months_packed.person_months,
        {{ unpacked_counts('person_months_packed', count_columns) }},
        person_months_packed.days_in_month
    from person_months_packed
)

select * from final
