"""The immigration-reason page (issue 14 item 2): refugees (Igrus2 71) against family members reunified with a
refugee (74): Table 3's rates, the time to first contact and Figure 3's monthly share, each by reason."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .data import Export
from .figures import WIDTH, Figure, _configure, _labels
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

FIGURE_SERVICES = ("gp_contact", "out_of_hours_contact")
REASON_COLOURS = {"refugee": "#4e79a7", "family_reunified": "#e15759"}
FIRST_CONTACT = {"any": bilingual("Any: GP, out-of-hours or specialist", "Alle: fastlege, legevakt eller spesialist"),
                 "gp": bilingual("GP", "Fastlege")}


def reason_label(row: Row) -> str:
    if row.immigration_reason_key == "all":
        return bilingual("All", "Alle")
    return bilingual(row.immigration_reason_label_en, row.immigration_reason_label_no)


def rates_frame(export: Export) -> pd.DataFrame:
    frame = export["annual_rates_by_immigration_reason"]
    return frame.sort_values(["group_sort_order", "sort_order", "immigration_reason_sort_order"])


def rate_cells(row: Row) -> dict[str, str]:
    """The printed cells of one group x service x reason."""
    return {
        "persons_followed": fmt_count(row.persons_followed),
        "contacts": fmt_count(row.contacts),
        "rate": fmt_decimal(row.rate_annual),
        "rate_ci": fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
        "dsr": fmt_decimal(row.dsr_annual),
        "dsr_ci": fmt_ci(row.dsr_ci_lower_annual, row.dsr_ci_upper_annual),
    }


def rates_table(export: Export) -> Table:
    frame = rates_frame(export)
    frame = frame[frame["service_key"].isin(export.var("table3_services", TABLE3_SERVICES))]
    adjusted, standardised = "Follow-up-adjusted", "Age-sex standardised"
    columns = [
        Column("persons_followed", "Persons followed"),
        Column("contacts", "Contacts"),
        Column("rate", "Rate", adjusted),
        Column("rate_ci", "95 % CI", adjusted),
        Column("dsr", "Rate", standardised),
        Column("dsr_ci", "95 % CI", standardised),
    ]
    rows = [{ROW_GROUP: f"{bilingual(row.group_label_en, row.group_label_no)}: {service_label(row)}",
             STUB: reason_label(row), **rate_cells(row)} for row in frame.itertuples()]
    notes = [
        ("Refugees (Igrus2 71) and family members reunified with a refugee (Igrus2 74) in each refugee group. "
         "Rates as in Table 3: contacts / person-months x 12 with the Garwood exact 95 % CI, and directly "
         "standardised for sex and age group to the general population's person-time (gamma-based CI, Fay & "
         "Feuer 1997). The two reasons add up to the group's row of Table 3."),
        suppression_note(export) + " With two reasons, hiding one where the group's total is published hides the "
        "other too.",
    ]
    return make_table("immigration_reason_rates",
                      bilingual("Annual rates by immigration reason", "Årlige rater etter innvandringsgrunn"),
                      None, rows, columns, notes, row_group_title="Group and service", stub_title="Immigration reason")


def first_contact_table(export: Export) -> Table:
    frame = export["time_to_first_contact_by_immigration_reason"].sort_values(
        ["group_sort_order", "first_contact_service", "immigration_reason_sort_order"])
    columns = [
        Column("persons_followed", "Persons followed"),
        Column("persons_with_contact", "With a contact"),
        Column("pct_with_contact", "% with a contact"),
        Column("mean_months", "Mean months", "Months to first contact"),
        Column("mean_months_ci", "95 % CI", "Months to first contact"),
    ]
    rows = [{
        ROW_GROUP: f"{bilingual(row.group_label_en, row.group_label_no)}: {FIRST_CONTACT[row.first_contact_service]}",
        STUB: reason_label(row),
        "persons_followed": fmt_count(row.persons_followed),
        "persons_with_contact": fmt_count(row.persons_with_contact),
        "pct_with_contact": fmt_decimal(row.pct_with_contact),
        "mean_months": fmt_decimal(row.mean_months_to_first_contact),
        "mean_months_ci": fmt_ci(row.mean_months_ci_lower, row.mean_months_ci_upper),
    } for row in frame.itertuples()]
    notes = [
        ("Recent refugees with follow-up after settlement; of them, those with a first contact of the kind during "
         "follow-up, and the mean months from the settlement month to the month of that first contact, with a "
         "normal-approximation 95 % CI. As in the report, the mean counts only persons who had a contact: read it "
         "with the share beside it."),
        suppression_note(export) + " A row is hidden also when 5 or fewer persons had no such contact.",
    ]
    return make_table("immigration_reason_first_contact",
                      bilingual("Time to first contact by immigration reason",
                                "Tid til første kontakt etter innvandringsgrunn"),
                      None, rows, columns, notes, row_group_title="Group and first contact",
                      stub_title="Immigration reason")


def monthly_figure(export: Export) -> Figure:
    """Figure 3 by reason: per recent group (rows) and service (columns), the share with a contact per month
    since settlement, a line per reason with its Wilson 95 % CI band; suppressed months are left out."""
    frame = _labels(export["monthly_contact_share_by_immigration_reason"])
    frame = frame[frame["service_key"].isin(FIGURE_SERVICES) & ~frame["is_suppressed"]].copy()
    frame["reason"] = [reason_label(row) for row in frame.itertuples()]
    data = frame[["group", "group_sort_order", "service", "reason", "immigration_reason_key", "months_since_settlement",
                  "persons_followed", "persons_with_contact", "pct_with_contact", "pct_ci_lower", "pct_ci_upper"]]
    keys = [k for k in REASON_COLOURS if k in set(data["immigration_reason_key"])]
    labels = [data.loc[data["immigration_reason_key"] == k, "reason"].iloc[0] for k in keys]
    colour = alt.Color("reason:N", title=None, sort=labels,
                       scale=alt.Scale(domain=labels, range=[REASON_COLOURS[k] for k in keys]),
                       legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=600))
    x = alt.X("months_since_settlement:Q", title="Months since settlement (0 = the settlement month)",
              axis=alt.Axis(tickMinStep=1))
    band = alt.Chart().mark_area(opacity=0.2).encode(x=x,
                                                     y=alt.Y("pct_ci_lower:Q", title="% with a contact in the month"),
                                                     y2="pct_ci_upper:Q", color=colour)
    line = alt.Chart().mark_line(point=True).encode(
        x=x, y="pct_with_contact:Q", color=colour,
        tooltip=["group:N", "service:N", "reason:N", "months_since_settlement:Q", "persons_followed:Q",
                 "persons_with_contact:Q", alt.Tooltip("pct_with_contact:Q", format=".1f")])
    groups = frame.sort_values("group_sort_order")["group"].drop_duplicates().tolist()
    chart = (
        alt.layer(band, line, data=data)
        .properties(width=WIDTH // 2 - 40, height=200)
        .facet(row=alt.Row("group:N", title=None, sort=groups,
                           header=alt.Header(labelAngle=0, labelAlign="left", labelOrient="top")),
               column=alt.Column("service:N", title=None))
    )
    title = "Share with a contact per month since settlement, by immigration reason"
    subtitle = "Andel med kontakt per måned etter bosetting, etter innvandringsgrunn"
    caption = (
        "Recent refugees followed in the month: the share with at least one GP or out-of-hours contact, for "
        "refugees and for family members reunified with a refugee; bands: Wilson 95 % CI. Months with a "
        "suppressed cell are left out."
    )
    return Figure("immigration_reason_monthly_figure", title, caption, _configure(chart, title, subtitle), data)
