-- The report's chapter is a code's first letter: ICPC-2's chapters and ICD-10's first letters.
select chapter_code as category_value
from {{ ref('icpc2_chapters') }}
union
select first_letter as category_value
from {{ ref('icd10_first_letter_groups') }}
