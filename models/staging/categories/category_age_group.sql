{{ config(order_by='sort_order') }}
select
    age_group as category_value,
    sort_order
from {{ ref('age_groups') }}
