{#- The bounds of the plausibility rules of the base models (models/intermediate/audit/_audit__docs.md).
    A date outside them is damage, not an event: the row is rejected with the reason, and audited. -#}

{#- No person in the registers was born, and no event happened, before 1900: a year such as 1850 or 0001 is
    a typing or conversion error (the reasons say "before 1900"). -#}
{% macro earliest_plausible_date() -%}
    cast('1900-01-01' as date)
{%- endmacro %}

{#- Nothing can have happened after the day the registers were extracted (var extract_date). -#}
{% macro extract_date() -%}
    cast('{{ var("extract_date") }}' as date)
{%- endmacro %}

{#- The reason a dated row is implausible, or null: before 1900 or after the extract date. -#}
{% macro implausible_date_reason(date_column, what='date') -%}
    case
        when {{ date_column }} < {{ earliest_plausible_date() }} then '{{ what }} before 1900'
        when {{ date_column }} > {{ extract_date() }} then '{{ what }} after the extract date'
    end
{%- endmacro %}
