{#- Whether any row of a group meets each of several conditions, in one aggregate instead of one bool_or
    per condition: each condition is one bit of an integer, or-ed over the group. Over int_bills_classified's
    ~90 million tariff rows four bool_or cost more than one bit_or (README, "National scale"). Read a
    condition back with any_row_meets(). At most 62 conditions (a bigint). -#}
{% macro any_row_meets_packed(conditions) -%}
    bit_or(
        {%- for condition in conditions %}
            {{ "+ " if not loop.first }}case when {{ condition }} then {{ 2 ** loop.index0 }} else 0 end
        {%- endfor %}
    )
{%- endmacro %}

{#- Whether any row met the condition at `position` (0-based, the order given to any_row_meets_packed). -#}
{% macro any_row_meets(packed_column, position) -%}
    ({{ packed_column }} & {{ 2 ** position }}) > 0
{%- endmacro %}
