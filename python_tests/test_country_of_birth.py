"""Tables 2 and 3 by country of birth (issue 14), computed again with pandas/numpy/scipy from the warehouse's
person-level tables (core.dim_persons, core.fct_person_months) of the test build, and compared with the
intermediate model and both marts: counts equal, rates and CIs to 1e-9 relative. Also the Great
Expectations suite countries_of_birth: it passes on the build and fails on damaged frames.

The threshold and the groups are the build's: the BI export's `about` (var.min_country_persons,
var.country_of_birth_groups), the project's defaults otherwise.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from python_checks.countries import (
    CountryData,
    countries_of_birth,
    read_reference_countries,
)
from python_checks.gx_runner import run_suites
from python_checks.reference import Manifest

WAREHOUSE = Path(os.environ.get("TEST_WAREHOUSE", PROJECT / "data" / "test" / "warehouse.duckdb"))
BI_DIR = Path(os.environ.get("TEST_BI_DIR", PROJECT / "data" / "test" / "bi"))
RTOL = 1e-9
ALPHA = 0.05
COMBINED = {
    "somatic_any": ["somatic_day", "somatic_inpatient", "somatic_outpatient"],
    "mental_any": ["mental_adult_day", "mental_adult_inpatient", "mental_adult_outpatient",
                   "mental_child_day", "mental_child_inpatient", "mental_child_outpatient"],
}


def _study_vars() -> dict[str, object]:
    project = yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]
    values = {name: project[name] for name in ("min_country_persons", "country_of_birth_groups",
                                               "standard_population_group")}
    export = BI_DIR / "marts.duckdb"
    if export.exists():
        with duckdb.connect(str(export), read_only=True) as con:
            about = dict(con.execute("select key, value from main.about").fetchall())
        for name in values:
            if f"var.{name}" in about:
                values[name] = json.loads(about[f"var.{name}"])
    return values


def _read(sql: str) -> pd.DataFrame:
    with duckdb.connect(str(WAREHOUSE), read_only=True) as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return compute_expected()


def compute_expected() -> pd.DataFrame:
    """Per group x country_key x service: persons, persons followed, contacts, person-months, rates, CIs."""
    if not WAREHOUSE.exists():
        pytest.fail(f"no built warehouse at {WAREHOUSE}: run `make test`, which builds one and sets TEST_WAREHOUSE")
    study = _study_vars()
    groups = list(study["country_of_birth_groups"])  # type: ignore[arg-type]
    threshold = int(study["min_country_persons"])  # type: ignore[arg-type]
    reference_group = str(study["standard_population_group"])
    services = [c.removesuffix("_count") for c in _read("select * from core.fct_person_months limit 0").columns
                if c.endswith("_count")]
    persons = _read("select person_id, group_key, country_of_birth_code, follow_up_months from core.dim_persons")
    persons = persons[persons["group_key"].isin(groups)].copy()
    persons["country_of_birth_code"] = persons["country_of_birth_code"].fillna("unknown")
    seed = set(pd.read_csv(PROJECT / "seeds" / "countries.csv", dtype=str)["country_code"])
    size = persons.groupby(["group_key", "country_of_birth_code"])["person_id"].transform("size")
    persons["country_key"] = np.where((size >= threshold) & persons["country_of_birth_code"].isin(seed),
                                      persons["country_of_birth_code"], "other")

    columns = ", ".join(f"{s}_count" for s in services)
    months = _read(f"select person_id, cast(group_key as varchar) as group_key, cast(sex as varchar) as sex, "
                   f"cast(age_group as varchar) as age_group, person_months, {columns} from core.fct_person_months")
    reference = (months[months["group_key"] == reference_group].groupby(["sex", "age_group"])["person_months"]
                 .sum())
    months = months[months["group_key"].isin(groups)].merge(persons[["person_id", "country_key"]], on="person_id")
    for combined, parts in COMBINED.items():
        months[f"{combined}_count"] = months[[f"{p}_count" for p in parts]].sum(axis=1)
    all_services = [*services, *COMBINED]
    strata = months.groupby(["group_key", "country_key", "sex", "age_group"])[
        ["person_months", *(f"{s}_count" for s in all_services)]].sum()
    sexes = pd.read_csv(PROJECT / "seeds" / "sexes.csv")["sex"].tolist()
    ages = pd.read_csv(PROJECT / "seeds" / "age_groups.csv")["age_group"].tolist()
    spine = pd.MultiIndex.from_product([sexes, ages], names=["sex", "age_group"])
    weights = reference.reindex(spine, fill_value=0.0).to_numpy()
    weights = weights / weights.sum()

    person_totals = persons.groupby(["group_key", "country_key"]).agg(
        persons=("person_id", "size"), persons_followed=("follow_up_months", lambda m: int((m > 0).sum())),
        follow_up_months=("follow_up_months", "sum"))
    rows = []
    for (group, country), totals in person_totals.iterrows():
        key_strata = (strata.xs((group, country), level=["group_key", "country_key"])
                      if (group, country) in strata.index.droplevel([2, 3]) else pd.DataFrame(columns=strata.columns))
        key_strata = key_strata.reindex(spine, fill_value=0.0)
        n = key_strata["person_months"].to_numpy(dtype=float)
        keep = n > 0
        for service in all_services:
            d = key_strata[f"{service}_count"].to_numpy(dtype=float)
            events, pm = d.sum(), n.sum()
            lower = 0.0 if events == 0 else stats.chi2.ppf(ALPHA / 2, 2 * events) / 2
            upper = stats.chi2.ppf(1 - ALPHA / 2, 2 * events + 2) / 2
            dsr = np.sum(weights[keep] * d[keep] / n[keep])
            var = np.sum(weights[keep] ** 2 * d[keep] / n[keep] ** 2)
            wm = np.max(weights[keep] / n[keep]) if keep.any() else np.nan
            dsr_lower = 0.0 if dsr == 0 else stats.gamma.ppf(ALPHA / 2, dsr**2 / var, scale=var / dsr)
            dsr_upper = stats.gamma.ppf(1 - ALPHA / 2, (dsr + wm) ** 2 / (var + wm**2), scale=(var + wm**2) / (dsr + wm))
            rows.append({
                "group_key": group, "country_key": country, "service_key": service,
                "persons": int(totals.persons), "persons_followed": int(totals.persons_followed),
                "events": int(events), "person_months": pm,
                "mean_follow_up_months": totals.follow_up_months / totals.persons,
                "contacts_per_person": events / totals.persons,
                "crude_rate_annual": events / pm * 12, "crude_rate_ci_lower_annual": lower / pm * 12,
                "crude_rate_ci_upper_annual": upper / pm * 12,
                "dsr_annual": dsr * 12, "dsr_ci_lower_annual": dsr_lower * 12, "dsr_ci_upper_annual": dsr_upper * 12,
            })
    return pd.DataFrame(rows).set_index(["group_key", "country_key", "service_key"]).sort_index()


COUNTS = ("persons", "persons_followed", "events")
VALUES = ("person_months", "mean_follow_up_months", "contacts_per_person", "crude_rate_annual",
          "crude_rate_ci_lower_annual", "crude_rate_ci_upper_annual", "dsr_annual", "dsr_ci_lower_annual",
          "dsr_ci_upper_annual")


def _differences(got: pd.DataFrame, want: pd.DataFrame, counts: dict[str, str], values: dict[str, str]) -> list:
    """(row, column, got, expected) wherever a published (non-null) cell differs; rows must match."""
    assert set(got.index) == set(want.index), set(got.index) ^ set(want.index)
    out = []
    joined = got.join(want.add_suffix("__expected"))
    for column, source in {**counts, **values}.items():
        g = joined[column].astype("float64")
        e = joined[f"{source}__expected"].astype("float64")
        shown = g.notna()
        if column in counts:
            bad = shown & (g != e)
        else:
            bad = shown & ~np.isclose(g, e, rtol=RTOL, atol=0.0)
        out += [(index, column, g[index], e[index]) for index in joined.index[bad]]
    return out


def test_intermediate_matches_the_person_level_computation(expected: pd.DataFrame) -> None:
    got = _read("select * from intermediate.int_country_of_birth_rates").set_index(
        ["group_key", "country_key", "service_key"]).sort_index()
    differences = _differences(got, expected, {c: c for c in COUNTS}, {c: c for c in VALUES})
    assert not differences, differences[:10]


def test_marts_match_where_published_and_hide_the_rest(expected: pd.DataFrame) -> None:
    rates = _read("select * from marts.annual_rates_by_country_of_birth").set_index(
        ["group_key", "country_key", "service_key"]).sort_index()
    contacts = _read("select * from marts.contacts_by_country_of_birth").set_index(
        ["group_key", "country_key", "service_key"]).sort_index()
    rate_columns = {"rate_annual": "crude_rate_annual", "rate_ci_lower_annual": "crude_rate_ci_lower_annual",
                    "rate_ci_upper_annual": "crude_rate_ci_upper_annual", "dsr_annual": "dsr_annual",
                    "dsr_ci_lower_annual": "dsr_ci_lower_annual", "dsr_ci_upper_annual": "dsr_ci_upper_annual",
                    "person_months": "person_months"}
    differences = _differences(rates, expected, {"persons_followed": "persons_followed", "contacts": "events"},
                               rate_columns)
    differences += _differences(contacts, expected, {"persons": "persons", "contacts": "events"},
                                {"contacts_per_person": "contacts_per_person",
                                 "mean_follow_up_months": "mean_follow_up_months"})
    assert not differences, differences[:10]
    # Primary suppression: a published cell rests on more than 5 contacts and persons followed.
    published = rates[~rates["is_suppressed"]].join(expected.add_suffix("__expected"))
    assert (published["events__expected"] > 5).all() and (published["persons_followed__expected"] > 5).all()
    small = expected[(expected["events"] <= 5) | (expected["persons_followed"] <= 5)].index
    assert rates.loc[small, "is_suppressed"].all()
    assert rates.loc[rates["is_suppressed"], "contacts"].isna().all()
    assert (rates["is_suppressed"] == contacts["is_suppressed"]).all()


def test_countries_add_up_to_the_group_totals(expected: pd.DataFrame) -> None:
    population = _read("select group_key, persons from marts.population_by_group").set_index("group_key")["persons"]
    persons = expected.reset_index().drop_duplicates(["group_key", "country_key"]).groupby("group_key")["persons"].sum()
    assert (persons == population.reindex(persons.index)).all()
    group_events = _read("select group_key, service_key, events from intermediate.int_annual_rates").set_index(
        ["group_key", "service_key"])["events"]
    sums = expected.groupby(["group_key", "service_key"])["events"].sum()
    assert (sums == group_events.reindex(sums.index)).all()


# ------------------------------------------------------------------------------ the Great Expectations suite
def _country_data(countries: pd.DataFrame, population: pd.DataFrame) -> CountryData:
    empty = pd.DataFrame(columns=["group_key", "service_key", "events"])
    return CountryData(countries, population, empty.assign(country_key=[]), empty)


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, float]:
    countries = _read("select distinct group_key, country_key, country_name_en, is_other_countries, persons "
                      "from intermediate.int_country_of_birth_rates")
    population = _read("select group_key, persons from intermediate.int_unsuppressed__population_by_group "
                       "where group_key in (select group_key from intermediate.int_country_of_birth_rates)")
    manifest = json.loads((WAREHOUSE.parent / "raw" / "manifest.json").read_text()) \
        if (WAREHOUSE.parent / "raw" / "manifest.json").exists() else {"scale": 0.02}
    return countries, population, float(manifest["scale"])


def _run(tmp_path: Path, countries: pd.DataFrame, population: pd.DataFrame, scale: float):
    reference = read_reference_countries(PROJECT / "seeds")
    suite = countries_of_birth(reference, _country_data(countries, population), Manifest(True, scale, {}))
    results, _ = run_suites([suite], tmp_path / "docs")
    return results[0]


def test_gx_suite_passes_on_the_build(tmp_path: Path) -> None:
    countries, population, scale = _frames()
    result = _run(tmp_path, countries, population, scale)
    assert result.success, [(f.family, f.cell) for f in result.failures]


def test_gx_suite_fails_when_the_order_of_size_is_broken(tmp_path: Path) -> None:
    countries, population, scale = _frames()
    damaged = countries.copy()
    syria = (damaged["group_key"] == "other_recent") & (damaged["country_name_en"] == "Syria")
    russia = (damaged["group_key"] == "other_recent") & (damaged["country_name_en"] == "Russia")
    damaged.loc[syria, "persons"], damaged.loc[russia, "persons"] = (
        damaged.loc[russia, "persons"].to_numpy(), damaged.loc[syria, "persons"].to_numpy())
    result = _run(tmp_path, damaged, population, scale)
    assert not result.success
    cells = {(f.family, f.cell) for f in result.failures}
    assert ("country_order", "persons other_recent Syria - Russia") in cells
    assert ("country_persons", "persons other_recent Syria") in cells


def test_gx_suite_fails_when_countries_do_not_add_up(tmp_path: Path) -> None:
    countries, population, scale = _frames()
    damaged = countries[~((countries["group_key"] == "refugees_before_2022")
                          & (countries["country_name_en"] == "Kosovo"))]
    result = _run(tmp_path, damaged, population, scale)
    assert not result.success
    cells = {(f.family, f.cell) for f in result.failures}
    assert ("countries_add_up", "persons refugees_before_2022: countries + other countries") in cells
    # A named country that is missing from the rows fails its order check too.
    assert ("country_order", "persons refugees_before_2022 Kosovo - Ethiopia") in cells
