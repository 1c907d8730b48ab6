"""The settlement planner page (issue 14 item 4): the contacts a settlement plan is expected to bring, per
municipality and month, from the rates observed after the 2022-2023 settlements."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .data import Export
from .figures import WIDTH, Figure, _configure
from .formatting import bilingual, fmt_ci, fmt_count, fmt_decimal
from .tables import ROW_GROUP, STUB, Column, Table, make_table

TABLE_MUNICIPALITIES = 15
FIGURE_MUNICIPALITIES = 6
FIGURE_SERVICE = "gp_contact"


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The service label, English (Norwegian), beside the key (the mart has no group column)."""
    frame = frame.copy()
    frame["service"] = [bilingual(en, no) for en, no in zip(frame["service_label_en"], frame["service_label_no"],
                                                            strict=True)]
    return frame


def largest(frame: pd.DataFrame, n: int) -> list[str]:
    """The n municipalities with the most planned persons at any month (ties by code)."""
    peak = frame.groupby(["municipality_code", "municipality_name"])["planned_population"].max().reset_index()
    peak = peak.sort_values(["planned_population", "municipality_code"], ascending=[False, True])
    return peak["municipality_code"].head(n).tolist()


def peak_rows(export: Export) -> pd.DataFrame:
    """Per municipality (the largest in the plan) and service: the month with the most expected contacts,
    with its prediction interval, and the expected contacts over the whole horizon."""
    frame = _labels(export["planned_contacts"])
    codes = largest(frame, TABLE_MUNICIPALITIES)
    frame = frame[frame["municipality_code"].isin(codes)]
    totals = frame.groupby(["municipality_code", "service_key"])["expected_contacts"].sum().rename("total_expected")
    peaks = (frame.sort_values(["expected_contacts", "calendar_month"], ascending=[False, True])
             .drop_duplicates(["municipality_code", "service_key"]))
    peaks = peaks.merge(totals.reset_index(), on=["municipality_code", "service_key"])
    peaks["municipality_order"] = peaks["municipality_code"].map({c: i for i, c in enumerate(codes)})
    return peaks.sort_values(["municipality_order", "service_key"])


def planner_table(export: Export) -> Table:
    peaks = peak_rows(export)
    columns = [
        Column("planned_population", "Planned persons"),
        Column("peak_month", "Month", "Busiest month"),
        Column("expected", "Expected", "Busiest month"),
        Column("interval", "95 % prediction interval", "Busiest month"),
        Column("total", "Expected over the horizon"),
    ]
    rows = [{
        ROW_GROUP: f"{row.municipality_name} ({row.municipality_code})",
        STUB: row.service,
        "planned_population": fmt_count(row.planned_population),
        "peak_month": f"{pd.Timestamp(row.calendar_month):%Y-%m}",
        "expected": fmt_decimal(row.expected_contacts),
        "interval": fmt_ci(row.prediction_interval_lower, row.prediction_interval_upper),
        "total": fmt_count(round(row.total_expected)),
    } for row in peaks.itertuples()]
    horizon = export.var("planning_horizon_months", 24)
    notes = [
        (f"The settlement plan's persons in their first {horizon} months after settlement, at the contact rates "
         "observed in 2022-2023 for the matching recent group by month since settlement, sex and age group at "
         "settlement (a plan row that leaves these open takes its municipality's 2022-2023 mix). Planned persons: "
         "those in their first months that month. Months beyond the observed follow-up (21 months) take the last "
         "observed month's rate."),
        ("95 % prediction interval: Poisson variation plus the uncertainty of the rates (a gamma distribution "
         "with the same mean and variance). Expected values, not observations: a rate resting on 5 or fewer "
         "contacts is pooled over age groups, sex or months first."),
    ]
    return make_table("settlement_planner",
                      bilingual("Expected contacts of the settlement plan",
                                "Forventede kontakter etter bosettingsplanen"),
                      f"The {TABLE_MUNICIPALITIES} municipalities with the most planned persons",
                      rows, columns, notes, row_group_title="Municipality", stub_title="Service")


def planner_figure(export: Export) -> Figure:
    frame = _labels(export["planned_contacts"])
    codes = largest(frame, FIGURE_MUNICIPALITIES)
    frame = frame[frame["municipality_code"].isin(codes) & (frame["service_key"] == FIGURE_SERVICE)].copy()
    frame["municipality"] = frame["municipality_name"] + " (" + frame["municipality_code"] + ")"
    frame["month"] = pd.to_datetime(frame["calendar_month"])
    data = frame[["municipality", "month", "planned_population", "expected_contacts", "prediction_interval_lower",
                  "prediction_interval_upper", "is_beyond_observed_follow_up"]]
    order = [frame.loc[frame["municipality_code"] == c, "municipality"].iloc[0] for c in codes]
    x = alt.X("month:T", title="Calendar month", axis=alt.Axis(format="%Y-%m"))
    band = alt.Chart().mark_area(opacity=0.2, color="#4e79a7").encode(
        x=x, y=alt.Y("prediction_interval_lower:Q", title="Expected GP contacts"), y2="prediction_interval_upper:Q")
    line = alt.Chart().mark_line(color="#4e79a7").encode(
        x=x, y="expected_contacts:Q",
        tooltip=["municipality:N", alt.Tooltip("month:T", format="%Y-%m"), "planned_population:Q",
                 alt.Tooltip("expected_contacts:Q", format=".1f"), "is_beyond_observed_follow_up:N"])
    beyond = alt.Chart().mark_point(color="#e15759", size=18, filled=True).encode(
        x=x, y="expected_contacts:Q").transform_filter("datum.is_beyond_observed_follow_up")
    chart = (
        alt.layer(band, line, beyond, data=data)
        .properties(width=WIDTH // 2 - 40, height=160)
        .facet(facet=alt.Facet("municipality:N", title=None, sort=order), columns=2)
        .resolve_scale(y="independent")
    )
    title = "Expected GP contacts of the settlement plan, by month, with 95 % prediction intervals"
    subtitle = "Forventede fastlegekontakter etter bosettingsplanen, per måned, med 95 % prediksjonsintervall"
    caption = (
        f"The {FIGURE_MUNICIPALITIES} municipalities with the most planned persons. Band: 95 % prediction interval. "
        "Red dots: months that include persons beyond the observed follow-up (21 months), at the last observed "
        "month's rate."
    )
    return Figure("settlement_planner_figure", title, caption, _configure(chart, title, subtitle), data)
