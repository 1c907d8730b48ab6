"""The country-of-birth page (issue 14): Tables 2 and 3 by country of birth for the refugee groups, and a dot
chart of the age-sex standardised GP rate with its CI per country."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .data import Export
from .figures import WIDTH, Figure, _configure
from .formatting import bilingual, fmt_ci, fmt_count, fmt_decimal
from .tables import (
    ROW_GROUP,
    STUB,
    TABLE3_SERVICES,
    Column,
    Row,
    Table,
    make_table,
    service_label,
    suppression_note,
)

FIGURE_SERVICE = "gp_contact"


def country_label(row: Row) -> str:
    return bilingual(row.country_name_en, row.country_name_no)


def country_frame(export: Export) -> pd.DataFrame:
    """annual_rates_by_country_of_birth with persons and contacts per person from contacts_by_country_of_birth,
    in the report's order: group, service, country by size (the pooled row last)."""
    rates = export["annual_rates_by_country_of_birth"]
    contacts = export["contacts_by_country_of_birth"][
        ["group_key", "country_key", "service_key", "persons", "contacts_per_person", "contacts_per_1000_persons",
         "per_unit"]]
    frame = rates.merge(contacts, on=["group_key", "country_key", "service_key"], how="left", validate="one_to_one")
    return frame.sort_values(["group_sort_order", "sort_order", "country_sort_order"])


def country_cells(row: Row) -> dict[str, str]:
    """The printed cells of one group x service x country."""
    per_person = row.contacts_per_person if row.per_unit == "person" else row.contacts_per_1000_persons
    return {
        "persons": fmt_count(row.persons),
        "contacts": fmt_count(row.contacts),
        "per_person": fmt_decimal(per_person),
        "rate": fmt_decimal(row.rate_annual),
        "rate_ci": fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
        "dsr": fmt_decimal(row.dsr_annual),
        "dsr_ci": fmt_ci(row.dsr_ci_lower_annual, row.dsr_ci_upper_annual),
    }


def row_group_label(row: Row) -> str:
    return f"{bilingual(row.group_label_en, row.group_label_no)}: {service_label(row)}"


def countries_table(export: Export) -> Table:
    frame = country_frame(export)
    services = export.var("table3_services", TABLE3_SERVICES)
    frame = frame[frame["service_key"].isin(services)]
    adjusted, standardised = "Follow-up-adjusted", "Age-sex standardised"
    columns = [
        Column("persons", "Persons"),
        Column("contacts", "Contacts"),
        Column("per_person", "Per person (per 1,000)"),
        Column("rate", "Rate", adjusted),
        Column("rate_ci", "95 % CI", adjusted),
        Column("dsr", "Rate", standardised),
        Column("dsr_ci", "95 % CI", standardised),
    ]
    rows = [{ROW_GROUP: row_group_label(row), STUB: country_label(row), **country_cells(row)}
            for row in frame.itertuples()]
    threshold = export.var("min_country_persons", 100)
    notes = [
        (f"Refugees by country of birth (fødeland): every country with at least {threshold} persons in the group; "
         "the other countries pooled as 'Other countries' (andre land). Countries in order of size."),
        ("Persons, contacts and contacts per person (per 1,000 persons for dental care and decisions) as in "
         "Table 2, not adjusted for follow-up. Rates as in Table 3: contacts / person-months x 12 with the "
         "Garwood exact 95 % CI, and directly standardised for sex and age group to the general population's "
         "person-time (gamma-based CI, Fay & Feuer 1997)."),
        suppression_note(export) + " A country with 5 or fewer persons followed is hidden whole, with a second "
        "country, so that the group's total does not give it back.",
    ]
    return make_table(
        "countries_of_birth",
        bilingual("Contacts and annual rates by country of birth", "Kontakter og årlige rater etter fødeland"),
        None,
        rows,
        columns,
        notes,
        row_group_title="Group and service",
        stub_title="Country of birth",
    )


def countries_figure(export: Export) -> Figure:
    frame = country_frame(export)
    frame = frame[frame["service_key"] == FIGURE_SERVICE].copy()
    frame["group"] = [bilingual(en, no)
                      for en, no in zip(frame["group_label_en"], frame["group_label_no"], strict=True)]
    frame["country"] = [country_label(row) for row in frame.itertuples()]
    data = frame[["group", "country", "country_sort_order", "persons", "contacts", "dsr_annual",
                  "dsr_ci_lower_annual", "dsr_ci_upper_annual", "is_suppressed"]]
    groups = frame["group"].drop_duplicates().tolist()
    y = alt.Y("country:N", title=None, sort=alt.EncodingSortField("country_sort_order", order="ascending"),
              axis=alt.Axis(labelLimit=320))
    x_title = "Age-sex standardised GP contacts per person per year"
    dots = alt.Chart().mark_point(filled=True, size=45, color="#4e79a7").encode(
        x=alt.X("dsr_annual:Q", title=x_title), y=y)
    bars = alt.Chart().mark_rule(color="#222", strokeWidth=1).encode(
        x="dsr_ci_lower_annual:Q", x2="dsr_ci_upper_annual:Q", y=y)
    chart = (
        alt.layer(bars, dots, data=data)
        .properties(width=WIDTH - 220)
        .facet(row=alt.Row("group:N", title=None, sort=groups, header=alt.Header(labelAngle=0, labelAlign="left",
                                                                                  labelOrient="top")))
        .resolve_scale(y="independent")
    )
    title = "GP contacts by country of birth: age-sex standardised annual rate with 95 % CI"
    subtitle = "Fastlegekontakter etter fødeland: standardisert årlig rate med 95 % KI"
    caption = (
        "Refugees by country of birth, in order of size within each group ('Other countries' last): GP contacts "
        "per person per year adjusted for follow-up and directly standardised for sex and age group to the "
        "general population; lines: 95 % CI (Fay & Feuer). A missing dot is a suppressed cell."
    )
    return Figure("countries_of_birth_figure", title, caption, _configure(chart, title, subtitle), data)
