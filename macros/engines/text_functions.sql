{#- Text functions whose name differs between the engines. -#}

{#- Whether the whole of `expression` matches the regular expression `pattern` (null for null). -#}
{% macro matches_fully(expression, pattern) -%}
    {{ return(adapter.dispatch('matches_fully')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_fully(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro default__matches_fully(expression, pattern) -%}
    ({{ expression }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

{#- A clock time delivered as text HH:MM, null where it is not one. DuckDB has a TIME type; on engines
    without one (Spark) the time is kept as text HH:MM:SS, which sorts and compares the same way. -#}
{% macro parsed_clock_time(expression) -%}
    {{ return(adapter.dispatch('parsed_clock_time')(expression)) }}
{%- endmacro %}

{% macro duckdb__parsed_clock_time(expression) -%}
    cast(try_strptime({{ expression }}, '%H:%M') as time)
{%- endmacro %}

{% macro default__parsed_clock_time(expression) -%}
    date_format(try_to_timestamp({{ expression }}, 'H:mm'), 'HH:mm:ss')
{%- endmacro %}

{#- A message from a template with `{}` for each argument (SQL expressions): DuckDB's format(), Spark's
    format_string() with %s. -#}
{% macro formatted_text(template, arguments) -%}
    {{ return(adapter.dispatch('formatted_text')(template, arguments)) }}
{%- endmacro %}

{% macro duckdb__formatted_text(template, arguments) -%}
    format({{ template }}, {{ arguments | join(', ') }})
{%- endmacro %}

{% macro default__formatted_text(template, arguments) -%}
    format_string({{ template | replace('{}', '%s') }}, {{ arguments | join(', ') }})
{%- endmacro %}
