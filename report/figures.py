"""The report's figures as Altair (Vega-Lite) charts, saved as SVG and PNG by vl-convert (no browser).

Each figure keeps the rows it plots, which are written beside it as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert as vlc

from . import tables as tab
from .data import Export
from .formatting import bilingual, fmt_count, fmt_decimal, plain_number
from .tables import CLASS_LABELS, refugee_health_service_label, traffic_light_area_label

FIGURE3_SERVICES = ("gp_contact", "out_of_hours_contact", "somatic_any", "mental_any")
AGE_SEX_FIGURES = {"figure4": "gp_contact", "figure5": "out_of_hours_contact", "figure6": "somatic_any"}
DIAGNOSIS_FIGURES = {"figure7": "gp_contact", "figure8": "out_of_hours_contact", "figure9": "somatic_any"}
# The four groups' colours (Tableau 10), the same on every figure.
GROUP_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#9c755f")
WIDTH = 620
# The Vega-Lite version Altair writes its specs for ("6.4"), which vl-convert must compile them with.
VEGA_LITE_VERSION = ".".join(alt.VEGALITE_VERSION.split(".")[:2])


@dataclass
class Figure:
    id: str
    title: str
    caption: str
    chart: alt.TopLevelMixin
    data: pd.DataFrame
    # columns the chart needs but a reader does not (e.g. two-line facet labels)
    internal_columns: tuple[str, ...] = ()

    def render(self) -> tuple[str, bytes]:
        """The figure as SVG text and as PNG (twice the SVG's size): Vega runs once, resvg rasterises the SVG."""
        svg = vlc.vegalite_to_svg(self.chart.to_dict(), vl_version=VEGA_LITE_VERSION)
        return svg, vlc.svg_to_png(svg, scale=2)

    def csv_frame(self) -> pd.DataFrame:
        """The plotted rows for download, rounded as the report prints numbers ('-' = suppressed)."""
        frame = self.data.drop(columns=list(self.internal_columns))
        for name, column in frame.items():
            if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
                continue
            formatter = fmt_count if pd.api.types.is_integer_dtype(column) else fmt_decimal
            frame[name] = [plain_number(formatter(value)) for value in column]
        return frame


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Display columns beside the keys: group, service and sex labels, English (Norwegian)."""
    frame = frame.copy()
    frame["group"] = [bilingual(en, no)
                      for en, no in zip(frame["group_label_en"], frame["group_label_no"], strict=True)]
    if "service_label_en" in frame:
        frame["service"] = [bilingual(en, no)
                            for en, no in zip(frame["service_label_en"], frame["service_label_no"], strict=True)]
    if "sex_label_en" in frame:
        frame["sex_label"] = [bilingual(en, no)
                              for en, no in zip(frame["sex_label_en"], frame["sex_label_no"], strict=True)]
    return frame


def _group_colour(frame: pd.DataFrame) -> alt.Color:
    order = frame.sort_values("group_sort_order")["group"].drop_duplicates().tolist()
    return alt.Color(
        "group:N",
        title=None,
        sort=order,
        scale=alt.Scale(domain=order, range=list(GROUP_COLOURS[: len(order)])),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600),
    )


def _configure(chart: alt.TopLevelMixin, title: str, subtitle: str) -> alt.TopLevelMixin:
    """Title in English, the Norwegian as its subtitle; the same fonts and sizes on every figure."""
    return (
        chart.properties(title=alt.Title(title, subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=12))
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=12)
        .configure_legend(labelFontSize=11)
        .configure_header(labelFontSize=12, titleFontSize=12)
    )


# ---------------------------------------------------------------------------------------------- Figure 3
def figure3(export: Export) -> Figure:
    frame = _labels(export["monthly_contact_share"])
    frame = frame[frame["service_key"].isin(FIGURE3_SERVICES)].copy()
    # The reference line is hidden where the mart says so.
    frame["reference_pct"] = frame["reference_mean_monthly_pct"].where(~frame["is_reference_suppressed"])
    frame["service_order"] = frame["service_key"].map({k: i for i, k in enumerate(FIGURE3_SERVICES)})
    frame = frame.sort_values(["service_order", "group_sort_order", "months_since_settlement"])
    # Facet headers on two lines, English above Norwegian.
    frame["service_lines"] = frame["service_label_en"] + "|(" + frame["service_label_no"] + ")"
    services = frame["service_lines"].drop_duplicates().tolist()
    data = frame[[
        "group", "service", "service_lines", "months_since_settlement", "persons_followed", "persons_with_contact",
        "pct_with_contact", "reference_pct", "is_suppressed",
    ]]
    base = alt.Chart().encode(x=alt.X("months_since_settlement:Q",
                                      title="Months since settlement (0 = settlement month)",
                                      scale=alt.Scale(domain=[0, 20]), axis=alt.Axis(tickMinStep=1)))
    lines = base.mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        y=alt.Y("pct_with_contact:Q", title="% with a contact that month"),
        color=_group_colour(frame),
    )
    reference = base.mark_rule(strokeDash=[5, 4], color="#444", strokeWidth=1.5).encode(
        y="mean(reference_pct):Q", x=alt.datum(0), x2=alt.datum(20)
    )
    chart = (
        alt.layer(lines, reference, data=data)
        .properties(width=WIDTH // 2 - 20, height=190)
        .facet(
            facet=alt.Facet("service_lines:N", title=None, sort=services,
                            header=alt.Header(labelExpr="split(datum.value, '|')", labelLimit=WIDTH // 2)),
            columns=2,
        )
        .resolve_scale(y="independent")
    )
    title = "Figure 3. Share with a contact by month since settlement"
    subtitle = "Figur 3. Andel med kontakt etter måned siden bosetting"
    caption = (
        "Recent refugees under follow-up in each month since settlement: % with at least one contact with the "
        "service that month. Dashed line: the general population (including refugees settled before 2022), "
        "% with a contact in a calendar month, averaged over the 21 months of the inclusion period. "
        "A gap in a line is a suppressed month (5 or fewer persons with or without a contact)."
    )
    return Figure("figure3", title, caption, _configure(chart, title, subtitle), data, ("service_lines",))


# ------------------------------------------------------------------------------------------- Figures 4-6
def age_sex_figure(export: Export, figure_id: str) -> Figure:
    service_key = AGE_SEX_FIGURES[figure_id]
    frame = _labels(export["age_sex_rates"])
    frame = frame[frame["service_key"] == service_key].sort_values(["sex", "age_group_sort_order", "group_sort_order"])
    ages = frame.sort_values("age_group_sort_order")["age_group"].drop_duplicates().tolist()
    sexes = frame.sort_values("sex")["sex_label"].drop_duplicates().tolist()
    data = frame[[
        "group", "service", "sex_label", "age_group", "persons_followed", "contacts", "person_months",
        "rate_annual", "rate_ci_lower_annual", "rate_ci_upper_annual", "is_suppressed",
    ]]
    group_order = frame.sort_values("group_sort_order")["group"].drop_duplicates().tolist()
    x = alt.X("age_group:N", title="Age group (aldersgruppe)", sort=ages, axis=alt.Axis(labelAngle=0))
    offset = alt.XOffset("group:N", sort=group_order)
    bars = alt.Chart().mark_bar().encode(
        x=x, xOffset=offset, y=alt.Y("rate_annual:Q", title="Contacts per person per year"), color=_group_colour(frame)
    )
    errors = alt.Chart().mark_rule(color="#222", strokeWidth=1).encode(
        x=x, xOffset=offset, y="rate_ci_lower_annual:Q", y2="rate_ci_upper_annual:Q"
    )
    chart = (
        alt.layer(bars, errors, data=data)
        .properties(width=WIDTH, height=200)
        .facet(row=alt.Row("sex_label:N", title=None, sort=sexes, header=alt.Header(labelAngle=0, labelAlign="left")))
    )
    number = figure_id.removeprefix("figure")
    first = frame.iloc[0]
    title = f"Figure {number}. {first.service_label_en}: annual contacts per person by sex and age"
    subtitle = f"Figur {number}. {first.service_label_no}: årlige kontakter per person etter kjønn og alder"
    caption = (
        "Contacts per person per year adjusted for follow-up time (contacts / person-months x 12) by sex and age "
        "group (report age: at settlement for the recent groups, in 2023 for the others); lines: 95 % CI "
        "(Garwood exact). A missing bar is a suppressed or empty stratum."
    )
    return Figure(figure_id, title, caption, _configure(chart, title, subtitle), data)


# ------------------------------------------------------------------------------------ time to first contact
def time_to_first_contact_figure(export: Export) -> Figure:
    frame = _labels(export["time_to_first_contact"])
    frame = frame[~frame["is_group_total"]].sort_values(["sex", "age_group_sort_order", "group_sort_order"])
    ages = frame.sort_values("age_group_sort_order")["age_group"].drop_duplicates().tolist()
    group_order = frame.sort_values("group_sort_order")["group"].drop_duplicates().tolist()
    sexes = frame["sex_label"].drop_duplicates().tolist()  # women first, as in the table
    data = frame[["group", "sex_label", "age_group", "persons_with_contact", "mean_months_to_first_contact",
                  "is_suppressed"]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("age_group:N", title="Age group at settlement", sort=ages, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("group:N", sort=group_order),
            y=alt.Y("mean_months_to_first_contact:Q", title="Mean months to first contact"),
            color=_group_colour(frame),
            column=alt.Column("sex_label:N", title=None, sort=sexes),
        )
        .properties(width=WIDTH // 2 - 20, height=220)
    )
    title = "Time to first contact by sex and age"
    subtitle = "Tid til første kontakt etter kjønn og alder"
    caption = (
        "Recent refugees with at least one GP, out-of-hours or specialist care contact during follow-up: mean "
        "months from the settlement month to the month of the first such contact. A missing bar is suppressed."
    )
    return Figure("time_to_first_contact_figure", title, caption, _configure(chart, title, subtitle), data)


# ----------------------------------------------------------------- time to first contact: survival curves
SURVIVAL_FIGURES = {"survival_gp": "gp", "survival_any": "any"}


def survival_figure(export: Export, figure_id: str) -> Figure:
    """One kind of curve: each recent group's Kaplan-Meier curve as a staircase with its 95 % CI band. Month t
    is drawn over [t, t + 1) at the share still without a first contact at its end, with a riser from the
    month before (100 % before month 0); only published months, so a curve ends where it is suppressed."""
    service = SURVIVAL_FIGURES[figure_id]
    frame = _labels(export["time_to_first_contact_survival"])
    frame = frame[(frame["first_contact_service"] == service) & frame["is_group_total"]
                  & ~frame["is_suppressed"]].sort_values(["group_sort_order", "months_since_settlement"]).copy()
    frame["pct_without"] = 100 * frame["survival"]
    frame["pct_ci_lower"] = 100 * frame["survival_ci_lower"]
    frame["pct_ci_upper"] = 100 * frame["survival_ci_upper"]
    frame["month_end"] = frame["months_since_settlement"] + 1
    frame["pct_before"] = frame.groupby("group_key")["pct_without"].shift(1).fillna(100.0)
    data = frame[["group", "months_since_settlement", "month_end", "persons_at_risk",
                  "pct_before", "pct_without", "pct_ci_lower", "pct_ci_upper", "median_months_to_first_contact"]]
    x = alt.X("months_since_settlement:Q", title="Months since settlement (0 = the settlement month)",
              scale=alt.Scale(domain=[0, 21]), axis=alt.Axis(tickMinStep=1))
    y = alt.Y("pct_without:Q", title="% still without a first contact", scale=alt.Scale(domain=[0, 100]))
    base = alt.Chart(data).encode(color=_group_colour(frame))
    band = base.mark_rect(opacity=0.2).encode(x=x, x2="month_end:Q",
                                               y=alt.Y("pct_ci_lower:Q", title="% still without a first contact"),
                                               y2="pct_ci_upper:Q")
    steps = base.mark_rule(strokeWidth=2).encode(x=x, x2="month_end:Q", y=y)
    risers = base.mark_rule(strokeWidth=2).encode(x=x, y="pct_before:Q", y2="pct_without:Q")
    chart = alt.layer(band, steps, risers).properties(width=WIDTH, height=300)
    en, no = tab.FIRST_CONTACT_SERVICES[service]
    title = f"{en}: % still without one, by month since settlement"
    subtitle = f"{no}: % som ennå ikke har hatt kontakt, etter måned siden bosetting"
    caption = (
        "Kaplan-Meier estimate for each recent group: month t is drawn at the % still without a first contact "
        "at its end; band: 95 % CI (Greenwood variance, log(-log) scale). Persons without a contact are "
        "censored at the end of their follow-up. A curve ends at its first suppressed month (5 or fewer persons "
        "at risk, or 1-5 first contacts or censored persons); every later month is suppressed too."
    )
    return Figure(figure_id, title, caption, _configure(chart, title, subtitle), data,
                  internal_columns=("month_end", "pct_before"))


# ------------------------------------------------------------------------------------------- Figures 7-9
def diagnosis_figure(export: Export, figure_id: str) -> Figure:
    service_key = DIAGNOSIS_FIGURES[figure_id]
    frame = _labels(export["diagnosis_chapter_shares"])
    frame = frame[frame["service_key"] == service_key].copy()
    english = frame["chapter_label_en"].where(frame["chapter_label_en"].notna(), frame["chapter_code"])
    frame["chapter"] = [
        (code if en == code else f"{code} {bilingual(en, no)}") + (" - women (kvinner)" if sex == "female" else "")
        for code, en, no, sex in zip(frame["chapter_code"], english, frame["chapter_label_no"], frame["sex"],
                                     strict=True)
    ]
    frame = frame.sort_values(["chapter_code", "group_sort_order"])
    chapters = frame["chapter"].drop_duplicates().tolist()
    group_order = frame.sort_values("group_sort_order")["group"].drop_duplicates().tolist()
    data = frame[[
        "group", "service", "code_system", "chapter", "sex_label", "patients", "patients_with_chapter",
        "pct_patients_with_chapter", "is_suppressed",
    ]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("chapter:N", title=None, sort=chapters, axis=alt.Axis(labelLimit=420)),
            yOffset=alt.YOffset("group:N", sort=group_order),
            x=alt.X("pct_patients_with_chapter:Q", title="% of patients with a diagnosis in the chapter"),
            color=_group_colour(frame),
        )
        .properties(width=WIDTH - 200, height=alt.Step(4))
    )
    number = figure_id.removeprefix("figure")
    first = frame.iloc[0]
    code_system = first.code_system
    title = f"Figure {number}. {first.service_label_en}: patients by diagnosis chapter ({code_system})"
    subtitle = f"Figur {number}. {first.service_label_no}: pasienter etter diagnosekapittel ({code_system})"
    caption = (
        f"Persons with at least one contact with the service during follow-up: % with at least one diagnosis "
        f"in each {code_system} chapter (first letter of the code). Shares add up to more than 100. Not adjusted "
        "for follow-up. Chapters W and X among women only. A missing bar is suppressed."
    )
    return Figure(figure_id, title, caption, _configure(chart, title, subtitle), data)


# ---------------------------------------------------------------------------------------------- Figure V1
def figure_v1(export: Export) -> Figure:
    frame = _labels(export["refugee_health_service_comparison"])
    frame["municipality_kind"] = [refugee_health_service_label(v) for v in frame["has_refugee_health_service"]]
    frame = frame.sort_values(["service_key", "group_sort_order", "has_refugee_health_service"])
    kinds = [refugee_health_service_label(True), refugee_health_service_label(False)]
    groups = frame.sort_values("group_sort_order")["group"].drop_duplicates().tolist()
    data = frame[[
        "service", "group", "municipality_kind", "municipalities", "persons", "contacts", "person_months",
        "rate_annual", "rate_ci_lower_annual", "rate_ci_upper_annual", "is_suppressed",
    ]]
    y = alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=400))
    offset = alt.YOffset("municipality_kind:N", sort=kinds)
    colour = alt.Color("municipality_kind:N", title=None, sort=kinds,
                       scale=alt.Scale(domain=kinds, range=["#e15759", "#76b7b2"]),
                       legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600))
    bars = alt.Chart().mark_bar().encode(
        y=y, yOffset=offset, x=alt.X("rate_annual:Q", title="Contacts per person per year"), color=colour
    )
    errors = alt.Chart().mark_rule(color="#222").encode(
        y=y, yOffset=offset, x="rate_ci_lower_annual:Q", x2="rate_ci_upper_annual:Q"
    )
    chart = (
        alt.layer(bars, errors, data=data)
        .properties(width=WIDTH - 120, height=alt.Step(22))
        .facet(row=alt.Row("service:N", title=None,
                           header=alt.Header(labelOrient="top", labelAnchor="start", labelFontWeight="bold")))
        .resolve_scale(x="independent")
    )
    title = "Figure V1. Municipalities with and without a refugee health service"
    subtitle = "Figur V1. Kommuner med og uten flyktninghelsetjeneste"
    caption = (
        "Annual contacts per person (adjusted for follow-up time) of the recent refugees settled in the "
        "municipalities of Tables V2/V3, pooled by whether the municipality has its own refugee health service "
        "(Vedlegg 4); lines: 95 % CI (Garwood exact)."
    )
    return Figure("figure_v1", title, caption, _configure(chart, title, subtitle), data)


# ------------------------------------------------------------------------------ municipality traffic light
# higher / not different / lower: a diverging pair around a neutral grey (more use is not worse in itself).
CLASS_COLOURS = {"higher": "#e15759", "not different": "#bab0ac", "lower": "#4e79a7"}


def traffic_light_figure(export: Export, service_key: str, area_level: str = "municipality") -> Figure:
    frame = _labels(export["municipality_traffic_light"])
    frame = frame[(frame["service_key"] == service_key) & (frame["area_level"] == area_level)
                  & ~frame["is_suppressed"]].copy()
    frame["area"] = [traffic_light_area_label(row) for row in frame.itertuples()]
    frame["class"] = frame["comparison_class"].map(CLASS_LABELS)
    frame = frame.sort_values(["group_sort_order", "standardised_ratio"], ascending=[True, False])
    data = frame[[
        "group", "area", "county_name", "observed_contacts", "expected_contacts", "standardised_ratio",
        "standardised_ratio_ci_lower", "standardised_ratio_ci_upper", "class",
    ]]
    classes = list(CLASS_LABELS.values())
    colour = alt.Color("class:N", title=None, sort=classes,
                       scale=alt.Scale(domain=classes, range=[CLASS_COLOURS[k] for k in CLASS_LABELS]),
                       legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=600))
    y = alt.Y("area:N", title=None, sort=alt.EncodingSortField("standardised_ratio", order="descending"),
              axis=alt.Axis(labelLimit=300))
    x_scale = alt.Scale(type="log")
    errors = alt.Chart().mark_rule(strokeWidth=1.5).encode(
        y=y, x=alt.X("standardised_ratio_ci_lower:Q", title="Ratio observed / expected (log scale)", scale=x_scale),
        x2="standardised_ratio_ci_upper:Q", color=colour)
    dots = alt.Chart().mark_point(filled=True, size=40).encode(
        y=y, x=alt.X("standardised_ratio:Q", scale=x_scale), color=colour,
        tooltip=["area:N", "observed_contacts:Q", "expected_contacts:Q", "standardised_ratio:Q"])
    national = alt.Chart().mark_rule(color="#222", strokeDash=[4, 3]).encode(x=alt.datum(1))
    chart = (
        alt.layer(errors, dots, national, data=data)
        .properties(width=WIDTH - 260, height=alt.Step(13))
        .facet(row=alt.Row("group:N", title=None, sort=frame["group"].drop_duplicates().tolist(),
                           header=alt.Header(labelOrient="top", labelAnchor="start", labelFontWeight="bold")))
        .resolve_scale(y="independent")
    )
    first = export["municipality_traffic_light"]
    first = first[first["service_key"] == service_key].iloc[0]
    levels = {"municipality": ("municipality", "kommune"), "county": ("county", "fylke")}[area_level]
    title = f"{first.service_label_en}: observed / expected contacts by {levels[0]}"
    subtitle = f"{first.service_label_no}: observerte / forventede kontakter etter {levels[1]}"
    caption = (
        f"Each {levels[0]} with a published comparison, sorted by the ratio of observed to expected contacts "
        "(indirect standardisation on the national rates of the group by sex x age group x month since "
        "settlement); bars: exact Poisson 95 % CI; dashed line: the national level (1). Colour: higher / lower "
        f"when the CI lies above / below 1. {levels[0].capitalize()}s whose numbers are suppressed are not shown."
    )
    figure_id = f"traffic_light_{area_level}_{service_key}"
    return Figure(figure_id, title, caption, _configure(chart, title, subtitle), data)
