select lpad(trim(municipality_code), 4, '0') as category_value
from {{ ref('municipalities_2024') }}
