{#- The pseudonymised person id (lopenr, KPR_lnr) as the warehouse keys it: var('person_id_type'), bigint
    by default. Pseudonyms are serial numbers, and integer keys make the national-scale joins and tables
    several times cheaper than text. A delivery with text pseudonyms sets person_id_type: varchar.
    An integer column passes unchanged; text must hold an integer. A delivered id that does not convert is null here, and the base model rejects the row with the reason
    from person_id_rejection ('missing person id' or 'invalid person id'), so it is audited, not lost. -#}
{% macro stage_person_id(column) -%}
    {%- if var('person_id_type') | lower in ['varchar', 'text', 'string'] -%}
        nullif(trim(cast({{ column }} as string)), '')
    {%- else -%}
        try_cast({{ column }} as {{ var('person_id_type') }})
    {%- endif -%}
{%- endmacro %}

{% macro person_id_rejection(column) -%}
    case
        when nullif(trim(cast({{ column }} as string)), '') is null then 'missing person id'
        else 'invalid person id'
    end
{%- endmacro %}
