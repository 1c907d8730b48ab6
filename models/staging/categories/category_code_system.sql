-- Read from the extract (a rejected row keeps the code system it was delivered with), and ICD-10, the
-- code system of NPR's condition codes.
select distinct {{ normalised_code_system('kodeverk') }} as category_value
from {{ source('kpr', 'kuhr_diagnoser') }}
where {{ normalised_code_system('kodeverk') }} is not null
union
select 'ICD-10' as category_value
