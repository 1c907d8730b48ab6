{{ config(order_by='sort_order') }}
select
    group_key as category_value,
    sort_order
from {{ ref('study_groups') }}
