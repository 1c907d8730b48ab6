-- Read from the extract: practice types are not known in advance.
select distinct {{ normalised_practice_type('praksistype') }} as category_value
from {{ source('kpr', 'kuhr_regninger') }}
where {{ normalised_practice_type('praksistype') }} is not null
