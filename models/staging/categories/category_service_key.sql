{{ config(order_by='sort_order') }}
select
    service_key as category_value,
    sort_order
from {{ ref('services') }}
