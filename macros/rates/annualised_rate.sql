{#- Events per person-year from events and person-months: events / person_months * 12.
    Null when there is no person-time (a rate over nothing is unknown, not zero). Works for any
    count-like numerator, e.g. a Garwood bound: annualised_rate(poisson_ci_lower('events'), 'pm'). -#}
{% macro annualised_rate(events, person_months) -%}
    (cast({{ events }} as double) / nullif(cast({{ person_months }} as double), 0) * 12)
{%- endmacro %}
