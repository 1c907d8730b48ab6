"""The report's tables as great-tables objects, each with the same cells as CSV.

Every cell is text made by `report.formatting`; great-tables lays the table out (stub, row groups, column
spanners, title, footnotes as source notes) and renders it with `as_raw_html()`. Column ids are stable
(`<group_key>__<measure>`), so the rendered `<td headers="...">` of a cell names its column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import pandas as pd
from great_tables import GT, loc, style

from .data import Export
from .formatting import (
    NOT_APPLICABLE,
    SUPPRESSED,
    bilingual,
    fmt_ci,
    fmt_count,
    fmt_decimal,
    is_missing,
    plain_number,
)

STUB = "row_label"
ROW_GROUP = "row_group"


class Row(Protocol):
    """A mart row as pandas gives it (an `itertuples()` row, or a Series from `.iloc`): its columns as
    attributes, of whatever type the column holds."""

    def __getattr__(self, name: str) -> Any: ...


# The services of Table 3 when the export does not name them (var table3_services; docs/study.md): GP and
# out-of-hours contacts and consultations, somatic specialist care (day + inpatient + outpatient) and mental
# health care (adults and children, all levels).
TABLE3_SERVICES = (
    "gp_contact",
    "gp_consultation",
    "out_of_hours_contact",
    "out_of_hours_consultation",
    "somatic_any",
    "mental_any",
)
# Tables V2 (GP) and V3 (out-of-hours).
MUNICIPALITY_TABLES = {"table_v2": "gp_contact", "table_v3": "out_of_hours_contact"}
RECENT_GROUPS = ("ukraine_recent", "other_recent")


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    spanner: str | None = None


@dataclass
class Table:
    """One table of a page: its id (also the CSV's name), the GT object and the same cells for the CSV."""

    id: str
    title: str
    gt: GT
    cells: pd.DataFrame
    columns: list[Column]
    notes: list[str] = field(default_factory=list)
    row_group_title: str = ""
    stub_title: str = ""

    def html(self) -> str:
        return self.gt.as_raw_html(inline_css=False)

    def csv_frame(self) -> pd.DataFrame:
        """The table as printed, one CSV column per column (its spanner and label), without the thousands
        separator so that a spreadsheet reads the numbers; '-' is a suppressed cell, as on the page."""
        order = [*([ROW_GROUP] if ROW_GROUP in self.cells else []), STUB, *(c.id for c in self.columns)]
        headers = {ROW_GROUP: self.row_group_title, STUB: self.stub_title}
        for column in self.columns:
            headers[column.id] = f"{column.spanner}: {column.label}" if column.spanner else column.label
        frame = self.cells[order].rename(columns=headers)
        return frame.map(plain_number)


def suppression_note(export: Export) -> str:
    threshold = export.var("suppression_threshold", 5)
    return (
        f"- : {threshold} or fewer persons or contacts (suppressed), or suppressed so that such a cell cannot be "
        f"derived from the published totals (complementary suppression). "
        f"(- : {threshold} eller færre personer eller kontakter, eller skjult så en slik celle ikke kan utledes.)"
    )


def inclusion_note(export: Export) -> str:
    start = export.var("inclusion_start_date", "2022-04-01")
    end = export.var("inclusion_end_date", "2023-12-31")
    return (
        f"Contacts during each person's follow-up within the inclusion period {start} to {end} (21 months): "
        "from the later of the period start, settlement and birth to the earliest of the period end, death "
        "and emigration."
    )


def build_gt(
    table_id: str,
    title: str,
    subtitle: str | None,
    cells: pd.DataFrame,
    columns: Sequence[Column],
    notes: Sequence[str],
    has_row_groups: bool,
) -> GT:
    frame = cells[[*([ROW_GROUP] if has_row_groups else []), STUB, *(c.id for c in columns)]]
    table = GT(frame, rowname_col=STUB, groupname_col=ROW_GROUP if has_row_groups else None, id=table_id)
    table = table.tab_header(title=title, subtitle=subtitle)
    spanners: dict[str, list[str]] = {}
    for column in columns:
        if column.spanner:
            spanners.setdefault(column.spanner, []).append(column.id)
    for index, (label, ids) in enumerate(spanners.items()):
        table = table.tab_spanner(label=label, columns=ids, id=f"span{index}")
    table = table.cols_label(cases={c.id: c.label for c in columns})
    table = table.cols_align(align="right", columns=[c.id for c in columns])
    for note in notes:
        table = table.tab_source_note(note)
    table = table.tab_style(style=style.text(weight="bold"), locations=loc.row_groups())
    table = table.opt_row_striping().opt_table_font(stack="system-ui")
    return table


def make_table(
    table_id: str,
    title: str,
    subtitle: str | None,
    rows: list[dict[str, str]],
    columns: list[Column],
    notes: list[str],
    row_group_title: str = "",
    stub_title: str = "",
) -> Table:
    """A table from its rows of printed cells; the titles name the row group and stub columns in the CSV."""
    cells = pd.DataFrame(rows)
    has_row_groups = ROW_GROUP in cells.columns
    gt = build_gt(table_id, title, subtitle, cells, columns, notes, has_row_groups)
    return Table(id=table_id, title=title, gt=gt, cells=cells, columns=columns, notes=notes,
                 row_group_title=row_group_title, stub_title=stub_title)


def ordered_groups(frame: pd.DataFrame, keys: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(group_key, label) in the report's order (group_sort_order)."""
    groups = (
        frame[["group_key", "group_label_en", "group_label_no", "group_sort_order"]]
        .drop_duplicates("group_key")
        .sort_values("group_sort_order")
    )
    return [
        (row.group_key, bilingual(row.group_label_en, row.group_label_no))
        for row in groups.itertuples()
        if keys is None or row.group_key in keys
    ]


def service_label(row: Row) -> str:
    return bilingual(row.service_label_en, row.service_label_no)


# ---------------------------------------------------------------------------------------------- Table 1
Formatter = Callable[[object], str]

# (mart column, label, formatter) per row of Table 1.
TABLE1_ROWS: tuple[tuple[str, str, Formatter], ...] = (
    ("persons", bilingual("Persons", "Antall personer"), fmt_count),
    ("pct_male", bilingual("Men, %", "Andel menn, %"), fmt_decimal),
    ("mean_age_years", bilingual("Mean age, years", "Gjennomsnittsalder, år"), fmt_decimal),
    ("pct_under_18", bilingual("Under 18 years, %", "Under 18 år, %"), fmt_decimal),
    ("pct_65_and_over", bilingual("65 years and over, %", "65 år og over, %"), fmt_decimal),
    (
        "mean_years_since_settlement",
        bilingual("Mean years since settlement", "Gjennomsnittlig antall år siden bosetting"),
        fmt_decimal,
    ),
)


def table1_cell(row: Row, column: str) -> str:
    """A Table 1 cell: years since settlement does not apply to the general population (no settlement)."""
    value = getattr(row, column)
    formatter = {c: f for c, _, f in TABLE1_ROWS}[column]
    if column == "mean_years_since_settlement" and row.group_key == "general_population" and is_missing(value):
        return NOT_APPLICABLE
    return formatter(value)


def table1(export: Export) -> Table:
    frame = export["population_by_group"]
    groups = ordered_groups(frame)
    by_key = {row.group_key: row for row in frame.itertuples()}
    columns = [Column(key, label) for key, label in groups]
    rows = []
    for column, label, _ in TABLE1_ROWS:
        rows.append({STUB: label, **{key: table1_cell(by_key[key], column) for key, _ in groups}})
    reference_year = export.var("years_since_settlement_reference_year", 2024)
    notes = [
        ("Study population: everyone resident in Norway at some time in 2022-2023. Refugees: immigration reason "
        "(Igrus2) 71 (refugee) or 74 (family reunified with a refugee); country = country of birth."),
        "Age at settlement for the two recent groups, in 2023 for the others.",
        (f"Years since settlement: {reference_year} minus the settlement year (n/a: the general population "
        "has no settlement date)."),
        suppression_note(export),
    ]
    return make_table(
        "table1",
        bilingual("Table 1. The study population by group", "Tabell 1. Studiepopulasjonen etter gruppe"),
        None,
        rows,
        columns,
        notes,
        row_group_title="",
        stub_title="Measure",
    )


# ---------------------------------------------------------------------------------------------- Table 2
UNIT_LABELS = {"person": "per person", "1000 persons": "per 1,000"}


def table2(export: Export) -> Table:
    contacts = export["contacts_by_group"]
    population = export["population_by_group"]
    shares = export["consultation_time_interpreter_share"]
    groups = ordered_groups(population)
    columns = [Column("unit", "Unit")]
    for key, label in groups:
        columns += [Column(f"{key}__number", "Number", label), Column(f"{key}__value", "Value", label)]

    population_group = bilingual("Study population", "Studiepopulasjon")
    persons_row = {ROW_GROUP: population_group, STUB: bilingual("Persons", "Antall personer"), "unit": ""}
    follow_up_row = {
        ROW_GROUP: population_group,
        STUB: bilingual("Mean follow-up", "Gjennomsnittlig oppfølgingstid"),
        "unit": "months",
    }
    for row in population.itertuples():
        persons_row |= {f"{row.group_key}__number": fmt_count(row.persons), f"{row.group_key}__value": ""}
        follow_up_row |= {
            f"{row.group_key}__number": "",
            f"{row.group_key}__value": fmt_decimal(row.mean_follow_up_months),
        }
    rows = [persons_row, follow_up_row]

    service_group = bilingual(
        "Contacts, not adjusted for follow-up", "Kontakter, ikke justert for oppfølgingstid"
    )
    for _service_key, service in contacts.sort_values("sort_order").groupby("service_key", sort=False):
        first = service.iloc[0]
        row = {ROW_GROUP: service_group, STUB: service_label(first), "unit": UNIT_LABELS[first.per_unit]}
        for cell in service.itertuples():
            value = cell.contacts_per_person if cell.per_unit == "person" else cell.contacts_per_1000_persons
            row[f"{cell.group_key}__number"] = fmt_count(cell.contacts)
            row[f"{cell.group_key}__value"] = fmt_decimal(value)
        rows.append(row)

    share_group = bilingual(
        "GP consultations (2ad or 2ae), patients aged 20-49",
        "Fastlegekonsultasjoner (2ad eller 2ae), pasienter 20-49 år",
    )
    consultations_row = {ROW_GROUP: share_group, STUB: bilingual("Consultations", "Konsultasjoner"), "unit": ""}
    share_row = {
        ROW_GROUP: share_group,
        STUB: bilingual("With time tariff and/or interpreter", "Med tidstakst og/eller tolk"),
        "unit": "%",
    }
    for cell in shares.itertuples():
        consultations_row |= {f"{cell.group_key}__number": fmt_count(cell.consultations),
                              f"{cell.group_key}__value": ""}
        share_row |= {
            f"{cell.group_key}__number": fmt_count(cell.consultations_with_time_or_interpreter),
            f"{cell.group_key}__value": fmt_decimal(cell.pct_with_time_or_interpreter),
        }
    rows += [consultations_row, share_row]

    notes = [
        ("Number: contacts (for home and institution services: new decisions). Value: contacts per person in "
        "the group, or per 1,000 persons for the rarer services (column Unit); not adjusted for follow-up time. "
        "Persons include those without follow-up."),
        inclusion_note(export) + " Mean follow-up in months (maximum 21), persons without follow-up counting 0.",
        ("Somatic specialist care = day + inpatient + outpatient; mental health care = adults and children, "
        "all levels (totals, not in the printed Table 2)."),
        ("Time tariff 2cd and/or the interpreter tariff on GP consultations with tariff 2ad or 2ae, patients "
        "aged 20-49; value = % of those consultations."),
        suppression_note(export),
    ]
    return make_table(
        "table2",
        bilingual("Table 2. Contacts by service and group", "Tabell 2. Kontakter etter tjeneste og gruppe"),
        None,
        rows,
        columns,
        notes,
        row_group_title="Section",
        stub_title="Row",
    )


# ---------------------------------------------------------------------------------------------- Table 3
def table3_cells(row: Row) -> dict[str, str]:
    """The printed cells of one group x service of Table 3."""
    return {
        "persons_followed": fmt_count(row.persons_followed),
        "contacts": fmt_count(row.contacts),
        "rate": fmt_decimal(row.rate_annual),
        "rate_ci": fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
        "dsr": fmt_decimal(row.dsr_annual),
        "dsr_ci": fmt_ci(row.dsr_ci_lower_annual, row.dsr_ci_upper_annual),
    }


def table3(export: Export) -> Table:
    rates = export["annual_rates"]
    services = export.var("table3_services", TABLE3_SERVICES)
    rates = rates[rates["service_key"].isin(services)].sort_values(["sort_order", "group_sort_order"])
    adjusted, standardised = "Follow-up-adjusted", "Age-sex standardised"
    columns = [
        Column("persons_followed", "Persons followed"),
        Column("contacts", "Contacts"),
        Column("rate", "Rate", adjusted),
        Column("rate_ci", "95 % CI", adjusted),
        Column("dsr", "Rate", standardised),
        Column("dsr_ci", "95 % CI", standardised),
    ]
    rows = []
    partly_standardised = []
    for row in rates.itertuples():
        rows.append({ROW_GROUP: service_label(row), STUB: bilingual(row.group_label_en, row.group_label_no),
                     **table3_cells(row)})
        if not row.is_fully_standardised:
            partly_standardised.append(len(rows) - 1)
    notes = [
        ("Annual contacts per person adjusted for follow-up time: contacts / person-months x 12 "
        "(årlige kontakter per person, justert for oppfølgingstid); 95 % CI Garwood exact (Poisson)."),
        ("Standardised: the same rate directly standardised for sex and age group (0-9, 10-19, ..., 60-69, 70+) "
        "to the general population's person-time; 95 % CI gamma-based (Fay & Feuer 1997)."),
        inclusion_note(export) + " Persons followed: persons of the group with any follow-up.",
        ("Somatic specialist care = day + inpatient + outpatient; mental health care = adults and children, "
        "all levels. Italic standardised rate: some sex x age strata of the group have no person-time."),
        suppression_note(export),
    ]
    table = make_table(
        "table3",
        bilingual(
            "Table 3. Annual contacts per person, adjusted for follow-up and age-sex standardised",
            "Tabell 3. Årlige kontakter per person, justert for oppfølgingstid og standardisert for alder og kjønn",
        ),
        None,
        rows,
        columns,
        notes,
        row_group_title="Service",
        stub_title="Group",
    )
    if partly_standardised:
        table.gt = table.gt.tab_style(
            style=style.text(style="italic"), locations=loc.body(columns=["dsr", "dsr_ci"], rows=partly_standardised)
        )
    return table


# ------------------------------------------------------------------------------------------ Tables V2/V3
MUNICIPALITY_MEASURES = (("persons", "Persons"), ("contacts", "Contacts"), ("rate", "Contacts per person per year"))


def municipality_label(row: Row) -> str:
    return f"{row.municipality_code} {row.municipality_name}"


def municipality_cells(row: Row) -> dict[str, str]:
    """The printed cells of one municipality x group of Table V2/V3 (persons stay visible unless 5 or fewer)."""
    return {
        "persons": fmt_count(row.persons),
        "contacts": fmt_count(row.contacts),
        "rate": fmt_decimal(row.rate_annual),
    }


def refugee_health_service_text(value: object) -> str:
    if is_missing(value):
        return ""
    return "yes (ja)" if bool(value) else "no (nei)"


def municipality_table(export: Export, table_id: str) -> Table:
    service_key = MUNICIPALITY_TABLES[table_id]
    frame = export["municipality_rates"]
    frame = frame[frame["service_key"] == service_key].sort_values(["municipality_code", "group_sort_order"])
    groups = ordered_groups(frame, RECENT_GROUPS)
    columns = [
        Column(f"{key}__{measure}", label, group_label)
        for key, group_label in groups
        for measure, label in MUNICIPALITY_MEASURES
    ]
    columns.append(Column("refugee_health_service", "Refugee health service"))
    rows = []
    for _code, municipality in frame.groupby("municipality_code", sort=False):
        first = municipality.iloc[0]
        row = {
            ROW_GROUP: first.county_name,
            STUB: municipality_label(first),
            "refugee_health_service": refugee_health_service_text(first.has_refugee_health_service),
        }
        for key, _ in groups:
            row |= {f"{key}__{measure}": SUPPRESSED for measure, _ in MUNICIPALITY_MEASURES}
        for cell in municipality.itertuples():
            row |= {f"{cell.group_key}__{measure}": text for measure, text in municipality_cells(cell).items()}
        rows.append(row)
    service = service_label(frame.iloc[0])
    number = "V2" if table_id == "table_v2" else "V3"
    threshold = export.var("municipality_min_settled_ukrainian_refugees", 200)
    notes = [
        (f"Municipalities (2024 codes) where at least {threshold} Ukrainian refugees were settled in the period; "
        "persons of each recent group settled there, including those without follow-up."),
        ("Contacts during follow-up, wherever the person lived later. Contacts per person per year: adjusted for "
        "follow-up time, contacts / person-months x 12."),
        ("Refugee health service: the report found its own refugee health service in the municipality "
        "(Vedlegg 4)."),
        suppression_note(export) + " Persons are shown unless they are 5 or fewer.",
    ]
    return make_table(
        table_id,
        f"Table {number}. {service} by settlement municipality (Tabell {number})",
        None,
        rows,
        columns,
        notes,
        row_group_title="County",
        stub_title="Municipality",
    )


# ------------------------------------------------------------------------- tables on the figure pages
def time_to_first_contact_table(export: Export) -> Table:
    frame = export["time_to_first_contact"].sort_values(
        ["group_sort_order", "is_group_total", "sex", "age_group_sort_order"], ascending=[True, False, True, True]
    )
    columns = [Column("persons_with_contact", "Persons with a contact"), Column("mean_months", "Mean months")]
    rows = []
    for row in frame.itertuples():
        label = (bilingual("All", "Alle") if row.is_group_total
                 else f"{bilingual(row.sex_label_en, row.sex_label_no)} {row.age_group}")
        rows.append({
            ROW_GROUP: bilingual(row.group_label_en, row.group_label_no),
            STUB: label,
            "persons_with_contact": fmt_count(row.persons_with_contact),
            "mean_months": fmt_decimal(row.mean_months_to_first_contact),
        })
    notes = [
        ("Recent refugees with at least one GP, out-of-hours or specialist care (somatic or mental health) contact "
        "during follow-up; months from the settlement month to the month of the first such contact (0 = a "
        "contact in the settlement month). Age at settlement."),
        suppression_note(export),
    ]
    return make_table(
        "time_to_first_contact",
        bilingual("Time to first contact after settlement", "Tid til første kontakt etter bosetting"),
        None,
        rows,
        columns,
        notes,
        row_group_title="Group",
        stub_title="Sex and age group",
    )


# The two curves of time_to_first_contact_survival: English and Norwegian labels.
FIRST_CONTACT_SERVICES = {
    "gp": ("First GP contact", "Første fastlegekontakt"),
    "any": ("First GP, out-of-hours or specialist contact",
            "Første kontakt med fastlege, legevakt eller spesialisthelsetjeneste"),
}
# Months since settlement at which the survival table prints the % still without a first contact.
SURVIVAL_TABLE_MONTHS = (3, 6, 12)


def survival_row_label(row: Row) -> str:
    if row.is_group_total:
        return bilingual("All", "Alle")
    return f"{bilingual(row.sex_label_en, row.sex_label_no)} {row.age_group}"


def survival_row_group(row: Row) -> str:
    en, no = FIRST_CONTACT_SERVICES[row.first_contact_service]
    return f"{bilingual(en, no)}: {bilingual(row.group_label_en, row.group_label_no)}"


def time_to_first_contact_survival_table(export: Export) -> Table:
    frame = export["time_to_first_contact_survival"]
    order = {key: i for i, key in enumerate(FIRST_CONTACT_SERVICES)}
    curves = (frame[frame["months_since_settlement"] == 0]
              .assign(service_order=frame["first_contact_service"].map(order))
              .sort_values(["service_order", "group_sort_order", "is_group_total", "sex", "age_group_sort_order"],
                           ascending=[True, True, False, True, True]))
    by_month = frame.set_index(["first_contact_service", "group_key", "sex", "age_group", "months_since_settlement"])
    columns = [Column("persons", "Persons followed")]
    for month in SURVIVAL_TABLE_MONTHS:
        spanner = f"Month {month} (måned {month})"
        columns += [Column(f"pct_{month}", "% without", spanner), Column(f"ci_{month}", "95 % CI", spanner)]
    columns.append(Column("median", "Median months"))
    rows = []
    for row in curves.itertuples():
        cells = {ROW_GROUP: survival_row_group(row), STUB: survival_row_label(row),
                 "persons": fmt_count(row.persons_at_risk)}
        for month in SURVIVAL_TABLE_MONTHS:
            key = (row.first_contact_service, row.group_key, row.sex, row.age_group, month)
            at = by_month.loc[key] if key in by_month.index else None
            if at is not None and not bool(at["is_suppressed"]):
                cells[f"pct_{month}"] = fmt_decimal(100 * at["survival"])
                cells[f"ci_{month}"] = fmt_ci(100 * at["survival_ci_lower"], 100 * at["survival_ci_upper"])
            else:
                cells[f"pct_{month}"] = SUPPRESSED
                cells[f"ci_{month}"] = SUPPRESSED
        cells["median"] = fmt_count(row.median_months_to_first_contact)
        rows.append(cells)
    notes = [
        ("Kaplan-Meier estimate of the % of recent refugees still without a first contact at the end of the "
         "given month since settlement (0 = the settlement month); persons without a contact are censored at "
         "the end of their follow-up. 95 % CI: Greenwood variance on the log(-log) scale. Median: the first "
         "month with 50 % or fewer still without a contact. Persons followed: at risk in the settlement "
         "month. Age at settlement."),
        ("- : a month resting on 5 or fewer persons at risk, or on 1-5 first contacts or censored persons, and "
         "every later month of its curve; months hidden so that such a month cannot be derived from the group's "
         "curve (complementary suppression); a median in a hidden month or not reached."),
        suppression_note(export),
    ]
    return make_table(
        "time_to_first_contact_survival",
        bilingual("Time to first contact as a survival curve", "Tid til første kontakt som overlevelseskurve"),
        None,
        rows,
        columns,
        notes,
        row_group_title="Contact and group",
        stub_title="Sex and age group",
    )


def refugee_health_service_label(value: bool) -> str:
    if value:
        return bilingual("With a refugee health service", "med flyktninghelsetjeneste")
    return bilingual("Without a refugee health service", "uten flyktninghelsetjeneste")


def figure_v1_table(export: Export) -> Table:
    frame = export["refugee_health_service_comparison"].sort_values(
        ["service_key", "group_sort_order", "has_refugee_health_service"], ascending=[True, True, False]
    )
    columns = [
        Column("municipalities", "Municipalities"),
        Column("persons", "Persons"),
        Column("contacts", "Contacts"),
        Column("rate", "Contacts per person per year"),
        Column("rate_ci", "95 % CI"),
    ]
    rows = []
    for row in frame.itertuples():
        rows.append({
            ROW_GROUP: f"{service_label(row)}: {bilingual(row.group_label_en, row.group_label_no)}",
            STUB: refugee_health_service_label(row.has_refugee_health_service),
            "municipalities": fmt_count(row.municipalities),
            "persons": fmt_count(row.persons),
            "contacts": fmt_count(row.contacts),
            "rate": fmt_decimal(row.rate_annual),
            "rate_ci": fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
        })
    notes = [
        ("The municipalities of Tables V2/V3 pooled by whether they have their own refugee health service "
        "(Vedlegg 4); contacts per person per year adjusted for follow-up time, 95 % CI Garwood exact."),
        suppression_note(export),
    ]
    return make_table(
        "figure_v1_table",
        bilingual(
            "Municipalities with and without a refugee health service",
            "Kommuner med og uten flyktninghelsetjeneste",
        ),
        None,
        rows,
        columns,
        notes,
        row_group_title="Service and group",
        stub_title="Municipalities",
    )


# ------------------------------------------------------------------------------ municipality traffic light
# The services of the traffic light when the export does not name them (var traffic_light_services).
TRAFFIC_LIGHT_SERVICES = ("gp_contact", "out_of_hours_contact", "somatic_any")
TRAFFIC_LIGHT_MEASURES = (
    ("observed", "Observed contacts"),
    ("expected", "Expected contacts"),
    ("ratio", "Ratio O/E"),
    ("ratio_ci", "95 % CI"),
    ("class", "Compared with Norway"),
)
CLASS_LABELS = {
    "higher": bilingual("higher", "høyere"),
    "lower": bilingual("lower", "lavere"),
    "not different": bilingual("not different", "ikke forskjellig"),
}


def traffic_light_services(export: Export) -> list[str]:
    services = cast(list[str], export.var("traffic_light_services", list(TRAFFIC_LIGHT_SERVICES)))  # a JSON list
    present = set(export["municipality_traffic_light"]["service_key"])
    return [key for key in services if key in present]


def traffic_light_area_label(row: Row) -> str:
    if row.area_level == "county":
        return f"{row.area_code} {row.area_name} (county / fylke)"
    return f"{row.area_code} {row.area_name}"


def traffic_light_class_text(value: object) -> str:
    return SUPPRESSED if is_missing(value) else CLASS_LABELS[str(value)]


def traffic_light_cells(row: Row) -> dict[str, str]:
    """The printed cells of one area x group of the traffic light (all '-' when suppressed)."""
    return {
        "observed": fmt_count(row.observed_contacts),
        "expected": fmt_decimal(row.expected_contacts),
        "ratio": fmt_decimal(row.standardised_ratio, 2),
        "ratio_ci": fmt_ci(row.standardised_ratio_ci_lower, row.standardised_ratio_ci_upper, 2),
        "class": traffic_light_class_text(row.comparison_class),
    }


def traffic_light_table(export: Export, service_key: str) -> Table:
    frame = export["municipality_traffic_light"]
    frame = frame[frame["service_key"] == service_key].assign(
        level_order=lambda f: (f["area_level"] != "county").astype(int)
    ).sort_values(["county_code", "level_order", "area_code", "group_sort_order"])
    groups = ordered_groups(frame, RECENT_GROUPS)
    columns = [
        Column(f"{key}__{measure}", label, group_label)
        for key, group_label in groups
        for measure, label in TRAFFIC_LIGHT_MEASURES
    ]
    rows = []
    for _, area in frame.groupby(["county_code", "level_order", "area_code"], sort=False):
        first = area.iloc[0]
        row = {ROW_GROUP: first.county_name, STUB: traffic_light_area_label(first)}
        for key, _ in groups:
            row |= {f"{key}__{measure}": SUPPRESSED for measure, _ in TRAFFIC_LIGHT_MEASURES}
        for cell in area.itertuples():
            row |= {f"{cell.group_key}__{measure}": text for measure, text in traffic_light_cells(cell).items()}
        rows.append(row)
    service = service_label(frame.iloc[0])
    notes = [
        ("Recent refugees by settlement municipality (2024 codes), with all their follow-up wherever they lived "
         "later. Expected contacts: the area's person-months in each stratum of sex x age group (at settlement) x "
         "month since settlement, times the national rate of the person's own group in that stratum (national "
         "contacts / national person-months; indirect standardisation). Ratio O/E: observed / expected contacts; "
         "1 = the national level of the group."),
        ("95 % CI: exact Poisson (Garwood) interval of the observed contacts divided by the expected. Higher / "
         "lower: the CI lies above / below 1; not different: the CI includes 1. Persons without a known "
         "settlement municipality count in the national rates but in no area."),
        suppression_note(export) + " Here also where the expected contacts are 5 or fewer.",
    ]
    return make_table(
        f"traffic_light_{service_key}",
        bilingual(f"{service}: observed and expected contacts by area",
                  "observerte og forventede kontakter etter område"),
        None,
        rows,
        columns,
        notes,
        row_group_title="County",
        stub_title="Area",
    )
