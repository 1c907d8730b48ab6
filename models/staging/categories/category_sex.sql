{{ config(order_by='sort_order') }}
select
    sex as category_value,
    sort_order
from {{ ref('sexes') }}
