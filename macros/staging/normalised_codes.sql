{#- How a delivered code is normalised before it is validated, deduplicated or classified: written once,
    read by the base models that stage the code and by the category models that list its values. -#}

{#- ICPC-2 and ICD-10 codes: upper case, no surrounding whitespace, no dot (R05.1 = R051), blank = missing. -#}
{% macro normalised_diagnosis_code(column) -%}
    nullif(replace(upper(trim(cast({{ column }} as string))), '.', ''), '')
{%- endmacro %}

{#- KUHR's code system (kodeverk): upper case, no surrounding whitespace, blank = missing. -#}
{% macro normalised_code_system(column) -%}
    nullif(upper(trim(cast({{ column }} as string))), '')
{%- endmacro %}

{#- Tariff codes are compared case-insensitively (2AK = 2ak): lower case, trimmed, blank = missing; the seeds
    are lowercased where joined. -#}
{% macro normalised_tariff_code(column) -%}
    nullif(lower(trim(cast({{ column }} as string))), '')
{%- endmacro %}

{#- KUHR's practice type (praksistype): upper case, trimmed, blank = missing. -#}
{% macro normalised_practice_type(column) -%}
    nullif(upper(trim(cast({{ column }} as string))), '')
{%- endmacro %}
