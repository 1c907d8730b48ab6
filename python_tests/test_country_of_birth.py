"""Tables 2 and 3 by country of birth (issue 14), computed again with pandas/numpy/scipy from the warehouse's
person-level tables (core.dim_persons, core.fct_person_months) of the test build (python_tests/subgroup_rates.py),
and compared with the intermediate model and both marts: counts equal, rates and CIs to 1e-9 relative. Also the Great
Expectations suite countries_of_birth: it passes on the build and fails on damaged frames.

The threshold and the groups are the build's: the BI export's `about` (var.min_country_persons,
var.country_of_birth_groups), the project's defaults otherwise.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from subgroup_rates import COUNTS, VALUES, subgroup_rates
from subgroup_rates import differences as cell_differences

from python_checks.countries import (
    CountryData,
    countries_of_birth,
    read_reference_countries,
)
from python_checks.gx_runner import run_suites
from python_checks.reference import Manifest

PROJECT = Path(__file__).resolve().parents[1]
WAREHOUSE = Path(os.environ.get("TEST_WAREHOUSE", PROJECT / "data" / "test" / "warehouse.duckdb"))
BI_DIR = Path(os.environ.get("TEST_BI_DIR", PROJECT / "data" / "test" / "bi"))


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
    persons = _read("select person_id, group_key, country_of_birth_code, follow_up_months from core.dim_persons")
    persons = persons[persons["group_key"].isin(groups)].copy()
    persons["country_of_birth_code"] = persons["country_of_birth_code"].fillna("unknown")
    seed = set(pd.read_csv(PROJECT / "seeds" / "countries.csv", dtype=str)["country_code"])
    size = persons.groupby(["group_key", "country_of_birth_code"])["person_id"].transform("size")
    persons["country_key"] = np.where((size >= threshold) & persons["country_of_birth_code"].isin(seed),
                                      persons["country_of_birth_code"], "other")

    return subgroup_rates(WAREHOUSE, persons, "country_key", reference_group)


def test_intermediate_matches_the_person_level_computation(expected: pd.DataFrame) -> None:
    got = _read("select * from aggregates.int_country_of_birth_rates").set_index(
        ["group_key", "country_key", "service_key"]).sort_index()
    differences = cell_differences(got, expected, {c: c for c in COUNTS}, {c: c for c in VALUES})
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
    differences = cell_differences(rates, expected, {"persons_followed": "persons_followed", "contacts": "events"},
                               rate_columns)
    differences += cell_differences(contacts, expected, {"persons": "persons", "contacts": "events"},
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
    group_events = _read(
        "select group_key, service_key, events from aggregates.int_unsuppressed__annual_rates"
    ).set_index(["group_key", "service_key"])["events"]
    sums = expected.groupby(["group_key", "service_key"])["events"].sum()
    assert (sums == group_events.reindex(sums.index)).all()


# ------------------------------------------------------------------------------ the Great Expectations suite
def _country_data(countries: pd.DataFrame, population: pd.DataFrame) -> CountryData:
    empty = pd.DataFrame(columns=["group_key", "service_key", "events"])
    return CountryData(countries, population, empty.assign(country_key=[]), empty)


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, float]:
    countries = _read("select distinct group_key, country_key, country_name_en, is_other_countries, persons "
                      "from aggregates.int_country_of_birth_rates")
    population = _read("select group_key, persons from aggregates.int_unsuppressed__population_by_group "
                       "where group_key in (select group_key from aggregates.int_country_of_birth_rates)")
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
