"""The suites as rows of checks: one row per cell, with the band its observed value must lie in.

Every check is a `Check`: the family it belongs to (one Great Expectations expectation per family), the
cell it is about (`contacts ukraine_recent gp_consultation`), the expected value as text, the inclusive
band [lower, upper] and the observed value (None when the warehouse has no such cell, which fails).

Tolerances
- Counts (persons, contacts, rows): exact, expected = floor(published x scale + 0.5). For real extracts
  (no manifest) the scale is 1 and --relative-tolerance widens the band to expected x (1 +- tolerance).
- Printed values (Table 1 shares and means, Table 2 per-person values, the time/interpreter share, V2/V3
  rates): a computed value matches when it differs from the printed one by less than one unit of the last
  printed digit (the source sometimes truncates). Below scale 1 the per-person values get a rounding
  allowance as well: the scaled counts are rounded to integers, which moves contacts/persons by at most
  0.5 x (1 + rate) / scaled persons (x 1000 for per-1,000 values).
- Below scale 0.1 (SMALL_SCALE) the Table 1 shares and means and the time/interpreter share rest on a few
  hundred persons in the recent groups, so they are checked within the print unit plus 4 standard errors
  (sampling tolerance), and the output says so.
- Mean follow-up months: within 0.1 of the published value.
- V2/V3 contacts: exact where the scaled persons are > 0 and the source prints the contacts; suppressed
  source cells ("-", 5 or fewer) must have <= 5 contacts, checked at scale 1 only; adjusted rates
  (contacts / person-months x 12) within print tolerance at scale 1 only.
- Text figures: within [value_low, value_high] widened by the print unit, at scale >= 0.5 only.

Counts compared with a published total (Table 1 persons, Table 2 contacts, V2/V3 persons and contacts) name
the extract files they derive from (`Check.sources`); the frame GX validates carries, per such cell, the
audited rows of those files per file and reason (`audited`, python_checks/audit.py), so a failed count says
what was lost and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from python_checks import audit as audit_rows
from python_checks.fetch import WarehouseData
from python_checks.reference import (
    GROUPS,
    RECENT_GROUPS,
    Manifest,
    Reference,
    print_unit,
    scaled,
)

SMALL_SCALE = 0.1
TEXT_FIGURE_MIN_SCALE = 0.5
SAMPLING_STANDARD_ERRORS = 4.0
FOLLOWUP_TOLERANCE_MONTHS = 0.1
EPSILON = 1e-9


@dataclass(frozen=True)
class Check:
    family: str
    cell: str
    expected: str
    lower: float
    upper: float
    observed: float | None
    # the extract files a count derives from, whose audited rows can explain a difference
    sources: tuple[str, ...] = ()


@dataclass
class SuiteChecks:
    """A suite's checks, what each family means, and what was skipped (printed as notes); `audit`: the
    audited rows per file and reason (python_checks/audit.py), which explain a failed count."""

    name: str
    checks: list[Check] = field(default_factory=list)
    families: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    audit: pd.DataFrame = field(default_factory=audit_rows.empty_audit)
    # lines added to a family's description in the Data Docs
    details: dict[str, list[str]] = field(default_factory=dict)

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def explain(self, sources: tuple[str, ...]) -> str:
        """The audited rows of these files, per file and reason ("" for a check without sources)."""
        return audit_rows.explain(self.audit, sources) if sources else ""

    def family_sources(self, family: str) -> tuple[str, ...]:
        """Every file some check of the family derives from, in first-seen order."""
        return tuple(dict.fromkeys(s for c in self.checks if c.family == family for s in c.sources))

    def frame(self) -> pd.DataFrame:
        explained = {sources: self.explain(sources) for sources in {c.sources for c in self.checks}}
        return pd.DataFrame(
            [{**{k: v for k, v in c.__dict__.items() if k != "sources"}, "audited": explained[c.sources]}
             for c in self.checks],
            columns=["family", "cell", "expected", "lower", "upper", "observed", "audited"],
        ).astype({"lower": "float64", "upper": "float64", "observed": "float64", "audited": "object"})


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def count_check(family: str, cell: str, published: float, scale: float, rel_tol: float,
                observed: object, sources: tuple[str, ...] = ()) -> Check:
    expected = scaled(published, scale)
    slack = abs(expected) * rel_tol
    text = str(expected) if slack == 0 else f"{expected} +- {rel_tol:.1%}"
    return Check(family, cell, text, expected - slack, expected + slack, _num(observed), sources)


def printed_check(family: str, cell: str, printed: str, observed: object, extra: float = 0.0,
                  extra_note: str = "") -> Check:
    """Within print tolerance (strictly less than one unit of the last printed digit) plus `extra`."""
    value = float(printed)
    unit = print_unit(printed)
    tolerance = unit + extra
    text = f"{printed} (+- < {unit:g}{extra_note})" if not extra else f"{printed} +- {tolerance:.3g} ({extra_note})"
    return Check(family, cell, text, value - tolerance + EPSILON, value + tolerance - EPSILON, _num(observed))


def _lookup(frame: pd.DataFrame, key: dict[str, str], column: str) -> object:
    mask = pd.Series(True, index=frame.index)
    for name, value in key.items():
        mask &= frame[name] == value
    rows = frame.loc[mask, column]
    return rows.iloc[0] if len(rows) else None


# ---------------------------------------------------------------------------------------------------------
# Suite 1: published totals
# ---------------------------------------------------------------------------------------------------------

TABLE1_MEASURES = {
    "pct_male": ("share", "pct_male"),
    "mean_age_years": ("mean", "mean_age_years"),
    "pct_under_18": ("share", "pct_under_18"),
    "pct_over_65": ("share", "pct_over_65"),
    "mean_years_since_settlement": ("mean", "mean_years_since_settlement"),
}
TABLE1_SD = {"mean_age_years": "sd_age_years", "mean_years_since_settlement": "sd_years_since_settlement"}


def published_totals(ref: Reference, data: WarehouseData, manifest: Manifest, rel_tol: float) -> SuiteChecks:
    s = manifest.scale
    suite = SuiteChecks("published_totals", audit=data.audit)
    suite.families = {
        "table1_persons": "Table 1: persons per group = floor(published x scale + 0.5)",
        "table1_values": "Table 1: % male, mean age, % under 18, % 65+, mean years since settlement within print "
                         "tolerance (sampling tolerance below scale 0.1)",
        "table2_contacts": "Table 2: valid contacts per group and service = floor(published x scale + 0.5)",
        "table2_per_person": "Table 2: contacts per person / per 1,000 within print tolerance plus the rounding "
                             "of scaled counts",
        "table2_followup": "Table 2: mean follow-up months within 0.1",
        "table2_time_interpreter": "Table 2: % of GP consultations (2ad/2ae, age 20-49) with time tariff "
                                   "and/or interpreter within print tolerance",
        "v2_v3_persons": "Tables V2/V3: recent refugees per settlement municipality = floor(published x scale + 0.5)",
        "v2_v3_contacts": "Tables V2/V3: GP / out-of-hours contacts per municipality and group (printed cells)",
        "v2_v3_suppressed": "Tables V2/V3: cells the source suppresses have 5 or fewer contacts (scale 1)",
        "v2_v3_rates": "Tables V2/V3: contacts / person-months x 12 within print tolerance (scale 1)",
        "text_figures": "Report text figures within their printed ranges (scale >= 0.5)",
    }
    small = s < SMALL_SCALE
    if small:
        suite.notes.append(
            f"scale {s:g} < {SMALL_SCALE:g}: Table 1 shares/means and the time/interpreter share are checked "
            f"within the print unit plus {SAMPLING_STANDARD_ERRORS:g} standard errors (sampling tolerance); "
            "counts stay exact")

    persons = data.persons_by_group
    t1 = ref.table1.set_index("measure")
    scaled_persons: dict[str, int] = {}
    for group in GROUPS:
        published_persons = float(t1.loc["persons", group])
        scaled_persons[group] = scaled(published_persons, s)
        suite.add(count_check("table1_persons", f"persons {group}", published_persons, s, rel_tol,
                              _lookup(persons, {"group_key": group}, "persons"), audit_rows.PERSON_FILES))
        n = _num(_lookup(persons, {"group_key": group}, "persons")) or 0.0
        for measure, (kind, column) in TABLE1_MEASURES.items():
            printed = str(t1.loc[measure, group]).strip()
            if not printed:
                continue
            observed = _lookup(persons, {"group_key": group}, column)
            extra, note = 0.0, ""
            if small and n > 1:
                if kind == "share":
                    p = float(printed) / 100
                    se = 100 * math.sqrt(p * (1 - p) / n)
                else:
                    n_with = n if measure != "mean_years_since_settlement" else (
                        _num(_lookup(persons, {"group_key": group}, "persons_with_settlement_date")) or n)
                    se = (_num(_lookup(persons, {"group_key": group}, TABLE1_SD[measure])) or 0.0) / math.sqrt(
                        max(n_with, 1.0))
                extra, note = (SAMPLING_STANDARD_ERRORS * se,
                               f"print unit + {SAMPLING_STANDARD_ERRORS:g} SE, small scale")
            suite.add(printed_check("table1_values", f"{measure} {group}", printed, observed, extra, note))

    t2 = ref.table2.set_index("service")
    contacts = data.contacts_by_group_service
    for service, row in t2.iterrows():
        service = str(service)
        if service == "mean_followup_months":
            for group in GROUPS:
                value = float(row[group])
                observed = _lookup(persons, {"group_key": group}, "mean_followup_months")
                suite.add(Check("table2_followup", f"mean_followup_months {group}", f"{row[group]} +- 0.1",
                                value - FOLLOWUP_TOLERANCE_MONTHS - EPSILON,
                                value + FOLLOWUP_TOLERANCE_MONTHS + EPSILON, _num(observed)))
        elif service == "gp_consultation_pct_time_or_interpreter_age_20_49":
            share = data.time_interpreter_share
            for group in GROUPS:
                observed = _lookup(share, {"group_key": group}, "pct_time_or_interpreter")
                extra, note = 0.0, ""
                n = _num(_lookup(share, {"group_key": group}, "consultations")) or 0.0
                if small and n > 0:
                    p = float(row[group]) / 100
                    extra = SAMPLING_STANDARD_ERRORS * 100 * math.sqrt(p * (1 - p) / n)
                    note = f"print unit + {SAMPLING_STANDARD_ERRORS:g} SE, small scale"
                suite.add(printed_check("table2_time_interpreter", f"pct_time_or_interpreter {group}",
                                        str(row[group]), observed, extra, note))
        elif service.endswith(("_per_person", "_per_1000")):
            base = service.removesuffix("_per_person").removesuffix("_per_1000")
            factor = 1000.0 if service.endswith("_per_1000") else 1.0
            for group in GROUPS:
                group_persons = _num(_lookup(persons, {"group_key": group}, "persons"))
                c = _lookup(contacts, {"group_key": group, "service": base}, "contacts")
                c_value = _num(c) if c is not None else 0.0
                observed = None if not group_persons else factor * (c_value or 0.0) / group_persons
                extra, note = 0.0, ""
                if s != 1 and scaled_persons[group] > 0:
                    rate = float(row[group]) / factor
                    extra = factor * 0.5 * (1 + rate) / scaled_persons[group]
                    note = "print unit + rounding of scaled counts"
                suite.add(printed_check("table2_per_person", f"{service} {group}", str(row[group]), observed,
                                        extra, note))
        else:
            for group in GROUPS:
                c = _lookup(contacts, {"group_key": group, "service": service}, "contacts")
                suite.add(count_check("table2_contacts", f"contacts {group} {service}", float(row[group]), s,
                                      rel_tol, 0 if c is None else c, audit_rows.contact_count_files(service)))

    _municipality_checks(suite, ref, data, s, rel_tol)
    text_figures(suite, ref, data, s)
    return suite


def _municipality_checks(suite: SuiteChecks, ref: Reference, data: WarehouseData, s: float, rel_tol: float) -> None:
    observed = data.municipalities
    seen_persons: set[tuple[str, str]] = set()
    if s != 1:
        suite.notes.append(f"scale {s:g} != 1: V2/V3 suppressed cells and adjusted rates not checked "
                           "(they rest on the national counts)")
    for row in ref.municipalities.itertuples(index=False):
        code, group, service = str(row.municipality_code), str(row.group), str(row.service)
        key = {"municipality_code": code, "group_key": group}
        place = f"{code} {row.municipality}"
        expected_persons = scaled(float(row.persons), s)
        if (code, group) not in seen_persons:
            seen_persons.add((code, group))
            persons = _lookup(observed, key, "persons")
            suite.add(count_check("v2_v3_persons", f"persons {place} {group}", float(row.persons), s, rel_tol,
                                  0 if persons is None else persons, audit_rows.PERSON_FILES))
        contacts = _lookup(observed, key, service)
        contacts = 0 if contacts is None else contacts
        printed_contacts = str(row.contacts).strip()
        if not printed_contacts:
            if s == 1:
                suite.add(Check("v2_v3_suppressed", f"contacts {place} {group} {service} (suppressed)",
                                "<= 5", 0, 5, _num(contacts)))
            continue
        if expected_persons > 0:
            suite.add(count_check("v2_v3_contacts", f"contacts {place} {group} {service}", float(printed_contacts),
                                  s, rel_tol, contacts, audit_rows.contact_count_files(service)))
        printed_rate = str(row.adjusted_contacts_per_person_year).strip()
        if s == 1 and printed_rate:
            person_months = _num(_lookup(observed, key, "person_months"))
            rate = None if not person_months else 12 * (_num(contacts) or 0.0) / person_months
            suite.add(printed_check("v2_v3_rates", f"adjusted_rate {place} {group} {service}", printed_rate, rate))


# ---------------------------------------------------------------------------------------------------------
# Suite 2: conservation
# ---------------------------------------------------------------------------------------------------------

def conservation(data: WarehouseData, manifest: Manifest) -> SuiteChecks:
    suite = SuiteChecks("conservation", audit=data.audit)
    suite.families = {
        "raw_staged_rejected": "every raw row is staged or rejected in staging: raw = staged + rejected",
        "raw_file_staged": "every raw Parquet file has a staging model",
        "manifest_rows": "the manifest's row count per file equals the raw file",
        "person_months_vs_contacts": "contacts per group and service in fct_person_months = fct_contacts",
        **TRAFFIC_LIGHT_FAMILIES,
    }
    raw = dict(zip(data.raw_files["file"], data.raw_files["raw"], strict=True))
    suite.details["raw_staged_rejected"] = [
        (f"Rejected rows per file and reason ({audit_rows.AUDIT_TABLE}; rows marked 'by' a later model are "
         "not in this family's sum):"),
        *audit_rows.summary_lines(data.audit, [f"{file}.parquet" for file in raw])]
    staged = data.staged_files.set_index("file")
    for file, row in staged.iterrows():
        observed = None
        if row["staged"] is not None and row["rejected"] is not None:
            observed = float(row["staged"]) + float(row["rejected"])
        expected = raw.get(str(file))
        if expected is None:
            suite.add(Check("raw_staged_rejected", f"rows {file}: raw file missing in raw dir", "a raw file",
                            math.nan, math.nan, observed))
            continue
        suite.add(Check("raw_staged_rejected",
                        f"rows {file}: staged ({row['staged']}) + rejected in staging ({row['rejected']}) vs raw",
                        str(expected), float(expected), float(expected), observed))
    for file in raw:
        suite.add(Check("raw_file_staged", f"staging model for raw file {file}", "1", 1, 1,
                        1.0 if file in staged.index else 0.0))
    if manifest.present:
        for file, expected in manifest.rows.items():
            suite.add(Check("manifest_rows", f"rows {file}: raw file vs manifest", str(expected), expected, expected,
                            _num(raw.get(file))))
    else:
        suite.notes.append("no manifest.json in the raw dir (real extracts): manifest row counts not checked")

    contacts = data.contacts_by_group_service
    pm = data.person_month_sums
    for row in pm.itertuples(index=False):
        c = _lookup(contacts, {"group_key": str(row.group_key), "service": str(row.service)}, "contacts")
        expected = 0.0 if c is None else float(c)  # type: ignore[arg-type]
        suite.add(Check("person_months_vs_contacts",
                        f"fct_person_months.{row.column} {row.group_key} vs fct_contacts",
                        str(int(expected)), expected, expected, _num(row.contacts)))
    for check in traffic_light_checks(data.traffic_light, data.traffic_light_mart):
        suite.add(check)
    return suite


TRAFFIC_LIGHT_FAMILIES = {
    "traffic_light_expected_total": (
        "municipality traffic light: per group and service, the expected contacts summed over every municipality "
        "and the persons without a known settlement municipality equal the national observed contacts "
        "(indirect standardisation on the national rates guarantees it), to 1e-9 relative"),
    "traffic_light_class": (
        "municipality traffic light: per area level, group and service, published rows whose class disagrees "
        "with their CI (higher: lower bound > 1, lower: upper bound < 1, else not different) or whose ratio lies "
        "outside its CI: 0"),
}


def traffic_light_checks(unsuppressed: pd.DataFrame | None, mart: pd.DataFrame | None) -> list[Check]:
    """The traffic light's two families (TRAFFIC_LIGHT_FAMILIES), on the unsuppressed table and the mart."""
    if unsuppressed is None or mart is None:
        return [Check(family, "municipality traffic light tables: not in the warehouse (dbt build first)",
                      "the tables", math.nan, math.nan, None) for family in TRAFFIC_LIGHT_FAMILIES]
    checks = []
    national = unsuppressed[unsuppressed["area_level"] == "country"].set_index(["group_key", "service_key"])
    parts = unsuppressed[unsuppressed["area_level"].isin(["municipality", "unknown"])]
    expected_sums = parts.groupby(["group_key", "service_key"])["expected_contacts"].sum()
    for key in sorted(set(national.index) | set(expected_sums.index)):
        observed = float(national.loc[key, "observed_contacts"]) if key in national.index else math.nan
        tolerance = EPSILON * max(1.0, abs(observed))
        checks.append(Check("traffic_light_expected_total",
                            f"sum of expected contacts over municipalities {key[0]} {key[1]} vs national observed",
                            f"{observed:g}", observed - tolerance, observed + tolerance,
                            _num(expected_sums.get(key))))
    published = mart[~mart["is_suppressed"].astype(bool)]
    lower, upper = published["standardised_ratio_ci_lower"], published["standardised_ratio_ci_upper"]
    implied = pd.Series("not different", index=published.index).mask(upper < 1, "lower").mask(lower > 1, "higher")
    ratio = published["standardised_ratio"]
    wrong = (published["comparison_class"] != implied) | ~((lower <= ratio) & (ratio <= upper))
    for key, rows in published.assign(is_wrong=wrong).groupby(["area_level", "group_key", "service_key"]):
        bad = rows[rows["is_wrong"]]
        example = "" if bad.empty else f" (e.g. {bad.iloc[0]['area_code']}: {bad.iloc[0]['comparison_class']})"
        checks.append(Check("traffic_light_class", f"rows with class not agreeing with CI {' '.join(key)}{example}",
                            "0", 0.0, 0.0, float(len(bad))))
    return checks


# ---------------------------------------------------------------------------------------------------------
# Suite 3: disclosure
# ---------------------------------------------------------------------------------------------------------

COUNT_SUFFIXES = ("persons", "contacts", "consultations", "patients", "events", "decisions", "_count", "_n")
NOT_COUNT_SUFFIXES = ("_code", "_year", "_month", "_order", "_age", "months_since_settlement", "_number",
                      "_days")


def is_count_column(name: str) -> bool:
    """Integer columns holding a number of persons or contacts. Suffix rule, robust to new marts: anything
    ending in persons/contacts/consultations/patients/events/decisions/_count/_n (e.g. `persons_followed`
    is caught by the `persons_` prefix rule too), excluding codes, years, months and orderings."""
    lowered = name.lower()
    if lowered.endswith(NOT_COUNT_SUFFIXES) or lowered.startswith(("is_", "has_")):
        return False
    if lowered.endswith(COUNT_SUFFIXES):
        return True
    return lowered.startswith(("persons_", "contacts_", "patients_", "consultations_", "n_"))


def disclosure(data: WarehouseData, threshold: int, suppress_zero: bool) -> SuiteChecks:
    suite = SuiteChecks("disclosure")
    low = 0 if suppress_zero else 1
    suite.families = {
        "marts_present": "schema marts exists and holds views",
        "small_cells": f"no unsuppressed row of a mart has a count column between {low} and {threshold}",
    }
    if not data.marts_schema_exists or not data.marts:
        what = "does not exist" if not data.marts_schema_exists else "has no views"
        suite.add(Check("marts_present", f"schema marts {what}: build the marts (dbt build) first",
                        ">= 1 view", 1, math.inf, 0.0))
        return suite
    suite.add(Check("marts_present", "views in schema marts", ">= 1 view", 1, math.inf, float(len(data.marts))))
    for view in data.marts:
        count_columns = [c for c in view.integer_columns if is_count_column(c)]
        if not view.has_suppression_flag:
            suite.notes.append(f"marts.{view.name} has no is_suppressed column: every row is checked")
        if not count_columns:
            suite.notes.append(f"marts.{view.name}: no integer count columns (none checked)")
        frame = view.unsuppressed
        for column in count_columns:
            values = pd.to_numeric(frame[column], errors="coerce")
            bad = frame[(values >= low) & (values <= threshold)]
            example = ""
            if len(bad):
                first = bad.iloc[0]
                keys = [c for c in frame.columns
                        if pd.api.types.is_string_dtype(frame[c]) or pd.api.types.is_object_dtype(frame[c])][:4]
                example = " (first: " + ", ".join(f"{k}={first[k]}" for k in keys) + f", {column}={first[column]})"
            suite.add(Check("small_cells", f"marts.{view.name}.{column}: unsuppressed rows with {low}-{threshold}"
                            + example, "0 rows", 0, 0, float(len(bad))))
    return suite


# ---------------------------------------------------------------------------------------------------------
# Suite 4: survival curves (marts.time_to_first_contact_survival, the published rows)
# ---------------------------------------------------------------------------------------------------------

SURVIVAL_MART = "time_to_first_contact_survival"
SURVIVAL_CURVE_KEYS = ("first_contact_service", "group_key", "sex", "age_group")


def survival_curves(data: WarehouseData) -> SuiteChecks:
    """The published Kaplan-Meier curves are curves: survival in [0, 1], never increasing from one published
    month to the next of the same curve, inside its CI, whose bounds lie in [0, 1]."""
    suite = SuiteChecks("survival_curves")
    suite.families = {
        "survival_mart_present": f"marts.{SURVIVAL_MART} exists and publishes at least one month",
        "survival_in_unit_interval": "published survival lies in [0, 1]",
        "survival_non_increasing": "survival minus the previous published month's of the same curve is <= 0",
        "survival_ci_contains_estimate": "survival minus survival_ci_lower and survival_ci_upper minus survival "
                                         "are >= 0",
        "survival_ci_in_unit_interval": "survival_ci_lower >= 0 and survival_ci_upper <= 1",
    }
    view = next((v for v in data.marts if v.name == SURVIVAL_MART), None)
    frame = view.unsuppressed if view is not None else pd.DataFrame()
    suite.add(Check("survival_mart_present", f"published months in marts.{SURVIVAL_MART}", ">= 1 row", 1,
                    math.inf, float(len(frame)) if view is not None else None))
    if view is None or frame.empty:
        return suite
    frame = frame.sort_values([*SURVIVAL_CURVE_KEYS, "months_since_settlement"])
    previous = frame.groupby(list(SURVIVAL_CURVE_KEYS), sort=False)["survival"].shift(1)
    for row, before in zip(frame.itertuples(index=False), previous, strict=True):
        cell = (f"{row.first_contact_service} {row.group_key} {row.sex} {row.age_group} "
                f"month {row.months_since_settlement}")
        survival, lower, upper = _num(row.survival), _num(row.survival_ci_lower), _num(row.survival_ci_upper)
        suite.add(Check("survival_in_unit_interval", f"survival {cell}", "[0, 1]", 0.0, 1.0, survival))
        if _num(before) is not None:
            step = None if survival is None else survival - float(before)
            suite.add(Check("survival_non_increasing", f"survival step {cell}", "<= 0", -math.inf, EPSILON, step))
        suite.add(Check("survival_ci_contains_estimate", f"survival - ci_lower {cell}", ">= 0", -EPSILON, math.inf,
                        None if survival is None or lower is None else survival - lower))
        suite.add(Check("survival_ci_contains_estimate", f"ci_upper - survival {cell}", ">= 0", -EPSILON, math.inf,
                        None if survival is None or upper is None else upper - survival))
        suite.add(Check("survival_ci_in_unit_interval", f"ci_lower {cell}", ">= 0", 0.0, math.inf, lower))
        suite.add(Check("survival_ci_in_unit_interval", f"ci_upper {cell}", "<= 1", -math.inf, 1.0, upper))
    return suite


# ---------------------------------------------------------------------------------------------------------
# Text figures (part of suite 1, scale >= 0.5 only)
# ---------------------------------------------------------------------------------------------------------

AGE_GROUPS = ("0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")


def _groups_of(name: str) -> tuple[str, ...]:
    return {"recent_both": RECENT_GROUPS, "all_groups": GROUPS}.get(name, (name,))


def _age_groups_of(span: str) -> tuple[str, ...] | None:
    """'all' -> () (pooled); one age group -> itself; 'a-b' spanning several groups -> each of them."""
    if span == "all":
        return ()
    if span in AGE_GROUPS:
        return (span,)
    if span == "any":
        return AGE_GROUPS
    low, _, high = span.partition("-")
    if not low.isdigit() or not high.isdigit():
        return None
    return tuple(g for g in AGE_GROUPS if int(g.split("-")[0].rstrip("+")) >= int(low)
                 and (g.endswith("+") and int(high) >= 200
                      or not g.endswith("+") and int(g.split("-")[1]) <= int(high)))


def _range_check(cell: str, low: str, high: str, observation: Observation) -> Check:
    """Within [low, high] widened by the print unit and by SAMPLING_STANDARD_ERRORS standard errors, the
    standard error taken at the published value (midpoint of the range) so that an observed 0 is no
    excuse: shares binomial over n persons, rates Poisson over n person-years, means sd / sqrt(n)."""
    _, observed, kind, n, sd = observation
    unit = max(print_unit(low), print_unit(high))
    mid = (float(low) + float(high)) / 2
    se = 0.0
    if n > 0:
        if kind == "pct":
            p = min(max(mid / 100, 0.0), 1.0)
            se = 100 * math.sqrt(p * (1 - p) / n)
        elif kind == "rate":
            se = math.sqrt(max(mid, 0.0) / n)
        else:
            se = sd / math.sqrt(n)
    extra = SAMPLING_STANDARD_ERRORS * se
    text = f"[{low}, {high}] +- < {unit:g}" + (f" + {SAMPLING_STANDARD_ERRORS:g} SE ({extra:.2g})" if extra else "")
    return Check("text_figures", observation[0], text, float(low) - unit - extra + EPSILON,
                 float(high) + unit + extra - EPSILON, observed)


def text_figures(suite: SuiteChecks, ref: Reference, data: WarehouseData, scale: float) -> None:
    figures = ref.text_figures
    if scale < TEXT_FIGURE_MIN_SCALE:
        suite.notes.append(f"scale {scale:g} < {TEXT_FIGURE_MIN_SCALE:g}: all {len(figures)} report text figures "
                           "skipped")
        return
    skipped: list[str] = []
    for row in figures.to_dict("records"):
        fig = TextFigure(*(str(row[k]) for k in ("topic", "group", "sex", "age_group", "service", "measure")))
        label = f"{fig.topic} {fig.group} {fig.sex} {fig.age_group} {fig.service} {fig.measure}"
        handler = _TEXT_FIGURE_HANDLERS.get(fig.topic)
        checks = handler(fig, data) if handler else None
        if checks is None:
            skipped.append(label)
            continue
        for observation in checks:
            suite.add(_range_check(observation[0], str(row["value_low"]), str(row["value_high"]), observation))
    if skipped:
        suite.notes.append(f"{len(skipped)} text figures not checked (no unambiguous computation): "
                           + "; ".join(skipped))


# (cell, observed, kind 'pct' | 'rate' | 'mean', n persons or person-years, sd of a mean)
Observation = tuple[str, float | None, str, float, float]


@dataclass(frozen=True)
class TextFigure:
    topic: str
    group: str
    sex: str
    age_group: str
    service: str
    measure: str


def _rate_figures(fig: TextFigure, data: WarehouseData) -> list[Observation] | None:
    measure, service = fig.measure, fig.service
    if measure != "annual_contacts_per_person" or service not in ("gp_contact", "somatic_any"):
        return None
    ages = _age_groups_of(str(fig.age_group))
    if ages is None:
        return None
    rates = data.text_figures["rates"]
    out: list[Observation] = []
    for group in _groups_of(str(fig.group)):
        frame = rates[rates["group_key"] == group]
        if fig.sex != "all":
            frame = frame[frame["sex"] == fig.sex]
        for age in ages or ("all",):
            part = frame if age == "all" else frame[frame["age_group"] == age]
            events, months = float(part[service].sum()), float(part["person_months"].sum())
            rate = 12 * events / months if months else None
            out.append((f"text {group} {fig.sex} {age} {service} {measure}", rate, "rate", months / 12, 0.0))
    return out


def _diagnosis_figures(fig: TextFigure, data: WarehouseData) -> list[Observation] | None:
    measure = str(fig.measure)
    if not measure.startswith("pct_patients_chapter_"):
        return None
    chapter = measure.rsplit("_", 1)[1]
    frame = data.text_figures["diagnoses"]
    service = fig.service
    out: list[Observation] = []
    for group in _groups_of(str(fig.group)):
        part = frame[(frame["group_key"] == group) & (frame["service"] == service)]
        if fig.sex != "all":
            part = part[part["sex"] == fig.sex]
        patients = float(part.drop_duplicates("sex")["patients"].sum())
        with_chapter = float(part.loc[part["chapter_code"] == chapter, "patients_with_chapter"].sum())
        pct = 100 * with_chapter / patients if patients else None
        out.append((f"text {group} {fig.sex} {service} {measure}", pct, "pct", patients, 0.0))
    return out


def _first_contact_figures(fig: TextFigure, data: WarehouseData) -> list[Observation] | None:
    if fig.measure != "mean_months" or fig.age_group not in ("all", *AGE_GROUPS):
        return None
    frame = data.text_figures["first_contact"]
    out: list[Observation] = []
    for group in _groups_of(str(fig.group)):
        part = frame[frame["group_key"] == group]
        if fig.sex != "all":
            part = part[part["sex"] == fig.sex]
        if fig.age_group != "all":
            part = part[part["age_group"] == fig.age_group]
        values = part["months_to_first"].astype("float64")
        mean = float(values.mean()) if len(values) else None
        sd = float(values.std()) if len(values) > 1 else 0.0
        out.append((f"text {group} {fig.sex} {fig.age_group} months to first contact", mean, "mean",
                    float(len(values)), sd))
    return out


def _monthly_figures(fig: TextFigure, data: WarehouseData) -> list[Observation] | None:
    measure = str(fig.measure)
    months = {"pct_in_settlement_month": [0], "pct_month_17": [17], "pct_months_0_4": list(range(5)),
              "pct_months_1_4": list(range(1, 5))}.get(measure)
    service = str(fig.service)
    if months is None or service not in ("gp_contact", "out_of_hours_contact"):
        return None
    frame = data.text_figures["monthly"]
    out: list[Observation] = []
    for group in _groups_of(str(fig.group)):
        for month in months:
            part = frame[(frame["group_key"] == group) & (frame["months_since_settlement"] == month)]
            n = float(part["persons"].sum())
            pct = 100 * float(part[f"with_{service}"].sum()) / n if n else None
            out.append((f"text {group} {service} month {month} pct with contact", pct, "pct", n, 0.0))
    return out


_TEXT_FIGURE_HANDLERS = {
    "age_sex_rate": _rate_figures,
    "diagnosis_chapter": _diagnosis_figures,
    "time_to_first_contact": _first_contact_figures,
    "monthly_share_with_contact": _monthly_figures,
}
