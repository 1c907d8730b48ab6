"""Suite 4, countries_of_birth (issue 14): Tables 2 and 3 by country of birth against the published figures.

Three families, over the warehouse's by-country rows before disclosure control
(`aggregates.int_country_of_birth_rates`, the numbers the marts annual_rates_by_country_of_birth and
contacts_by_country_of_birth publish):

- `country_order`: the countries of `seeds/reference_countries_of_birth.csv` (section 3.1 of the report:
  Syria, Russia, Afghanistan, ..., Sudan in other_recent) come out in their published order of size. For each
  group, each named country is checked against the next smaller one in the published figures: observed
  persons of the larger minus those of the smaller must be >= 0 (ties allowed: scaled counts are rounded). A
  named country that is missing (pooled as 'other' or absent) fails: every named country has at least 324
  persons nationally, so with min_country_persons <= 100 (scaled like the data) none of them is pooled.
- `country_persons`: each named country's persons = floor(published x scale + 0.5), as Table 1's persons
  (with --relative-tolerance for real extracts).
- `countries_add_up`: per group, persons over the countries and the pooled row = the group's persons in
  population_by_group, and contacts per service over the countries = the group's in annual_rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import duckdb
import pandas as pd

from python_checks import checks
from python_checks.checks import Check, SuiteChecks
from python_checks.reference import Manifest

REFERENCE_FILE = "reference_countries_of_birth.csv"


@dataclass(frozen=True)
class CountryData:
    """One row per group x country_key (persons, country name, is_other_countries); the group totals of
    persons (population) and of contacts per service (both per country and per group)."""

    countries: pd.DataFrame
    population: pd.DataFrame
    country_contacts: pd.DataFrame
    group_contacts: pd.DataFrame


def read_reference_countries(reference_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(reference_dir / REFERENCE_FILE, dtype={"persons": "int64"}, keep_default_na=False)
    return frame[["group", "country", "persons"]]


def fetch_country_data(warehouse: Path) -> CountryData:
    """The four small frames, in one brief read-only session."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        countries = con.execute(
            "select distinct group_key, country_key, country_name_en, is_other_countries, persons "
            "from aggregates.int_country_of_birth_rates").df()
        groups = countries["group_key"].drop_duplicates().tolist()
        population = con.execute(
            "select group_key, persons from aggregates.int_unsuppressed__population_by_group "
            "where list_contains(?, group_key)", [groups]).df()
        country_contacts = con.execute(
            "select group_key, country_key, service_key, events from aggregates.int_country_of_birth_rates").df()
        group_contacts = con.execute(
            "select group_key, service_key, events from aggregates.int_unsuppressed__annual_rates "
            "where list_contains(?, group_key)", [groups]).df()
    return CountryData(countries, population, country_contacts, group_contacts)


def _persons(countries: pd.DataFrame, group: str, country: str) -> float | None:
    rows = countries[(countries["group_key"] == group) & (countries["country_name_en"] == country)
                     & ~countries["is_other_countries"].astype(bool)]
    if len(rows) != 1:
        return None
    return float(rows["persons"].iloc[0])


def countries_of_birth(reference: pd.DataFrame, data: CountryData, manifest: Manifest,
                       rel_tol: float = 0.0) -> SuiteChecks:
    s = manifest.scale
    suite = SuiteChecks("countries_of_birth")
    suite.families = {
        "country_order": "Countries named in the report (seeds/reference_countries_of_birth.csv) in their "
                         "published order of size per group: persons of each minus the next smaller's >= 0",
        "country_persons": "Persons per named country and group = floor(published x scale + 0.5)",
        "countries_add_up": "Persons over the countries and 'other countries' = the group's persons "
                            "(population_by_group); contacts per service likewise = annual_rates'",
    }
    countries = data.countries
    for group, published in reference.groupby("group", sort=False):
        ordered = published.sort_values("persons", ascending=False, kind="stable")
        rows = list(ordered.itertuples())
        for larger, smaller in pairwise(rows):
            a, b = _persons(countries, group, larger.country), _persons(countries, group, smaller.country)
            observed = None if a is None or b is None else a - b
            suite.add(Check("country_order", f"persons {group} {larger.country} - {smaller.country}",
                            f">= 0 (published {larger.persons} >= {smaller.persons})", 0.0, math.inf, observed))
        for row in rows:
            suite.add(checks.count_check("country_persons", f"persons {group} {row.country}", float(row.persons),
                                         s, rel_tol, _persons(countries, group, row.country)))
    for row in data.population.itertuples():
        total = float(countries.loc[countries["group_key"] == row.group_key, "persons"].sum())
        suite.add(Check("countries_add_up", f"persons {row.group_key}: countries + other countries",
                        str(int(row.persons)), float(row.persons), float(row.persons), total))
    country_sums = data.country_contacts.groupby(["group_key", "service_key"])["events"].sum()
    for row in data.group_contacts.itertuples():
        observed = country_sums.get((row.group_key, row.service_key))
        suite.add(Check("countries_add_up", f"contacts {row.group_key} {row.service_key}: countries + other "
                        "countries", str(int(row.events)), float(row.events), float(row.events),
                        None if observed is None else float(observed)))
    return suite
