-- Read from the extract: every code a real extract carries is covered, including codes no seed knows.
select distinct {{ normalised_tariff_code('takstkode') }} as category_value
from {{ source('kpr', 'kuhr_takster') }}
where {{ normalised_tariff_code('takstkode') }} is not null
