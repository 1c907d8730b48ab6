"""Suite 5, immigration_reasons (issue 14 item 2): the refugee groups split by immigration reason (Igrus2 71
refugee, 74 family reunified with a refugee) against the groups' own totals. The report publishes no split,
so the suite checks what the split must keep, over the warehouse's rows before disclosure control:

- `reasons_cover_the_group`: per refugee group, the persons of the two reasons add up to the group's persons
  (population_by_group): every refugee is 71 or 74 by definition, so none may be lost or left 'unknown';
- `reasons_add_up`: contacts per service over the two reasons = the group's (annual_rates), and per recent
  group x month since settlement x service, persons followed and persons with a contact over the reasons =
  the group's (monthly_contact_share).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from python_checks.checks import Check, SuiteChecks

REASONS = ("refugee", "family_reunified")


@dataclass(frozen=True)
class ReasonData:
    """Persons per group x reason, the groups' persons; contacts per group x reason x service and per group x
    service; monthly counts per group x reason x month x service and per group x month x service."""

    persons: pd.DataFrame
    population: pd.DataFrame
    contacts: pd.DataFrame
    group_contacts: pd.DataFrame
    months: pd.DataFrame
    group_months: pd.DataFrame


def fetch_reason_data(warehouse: Path) -> ReasonData:
    """The six small frames, in one brief read-only session."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        persons = con.execute(
            "select group_key, immigration_reason_key, count(*) as persons "
            "from aggregates.int_immigration_reason_persons group by all").df()
        groups = persons["group_key"].drop_duplicates().tolist()
        population = con.execute(
            "select group_key, persons from aggregates.int_unsuppressed__population_by_group "
            "where list_contains(?, group_key)", [groups]).df()
        contacts = con.execute(
            "select group_key, immigration_reason_key, service_key, events "
            "from aggregates.int_immigration_reason_rates").df()
        group_contacts = con.execute(
            "select group_key, service_key, events from aggregates.int_unsuppressed__annual_rates "
            "where list_contains(?, group_key)", [groups]).df()
        months = con.execute(
            "select group_key, immigration_reason_key, months_since_settlement, service_key, persons_followed, "
            "persons_with_contact from aggregates.int_unsuppressed__monthly_contact_share_by_immigration_reason"
        ).df()
        group_months = con.execute(
            "select group_key, months_since_settlement, service_key, persons_followed, persons_with_contact "
            "from aggregates.int_unsuppressed__monthly_contact_share where list_contains(?, group_key)",
            [groups]).df()
    return ReasonData(persons, population, contacts, group_contacts, months, group_months)


def _exact(family: str, cell: str, expected: float, observed: float | None) -> Check:
    return Check(family, cell, str(int(expected)), float(expected), float(expected), observed)


def immigration_reasons(data: ReasonData) -> SuiteChecks:
    suite = SuiteChecks("immigration_reasons")
    suite.families = {
        "reasons_cover_the_group": "Persons of the two reasons (Igrus2 71 refugee, 74 family reunified) = the "
                                   "group's persons (population_by_group): every refugee has one of the two",
        "reasons_add_up": "Contacts per service over the two reasons = the group's (annual_rates); persons "
                          "followed and with a contact per month since settlement = the group's "
                          "(monthly_contact_share)",
    }
    both = " + ".join(REASONS)
    named = data.persons[data.persons["immigration_reason_key"].isin(REASONS)]
    person_sums = named.groupby("group_key")["persons"].sum()
    for row in data.population.itertuples():
        observed = person_sums.get(row.group_key)
        suite.add(_exact("reasons_cover_the_group", f"persons {row.group_key}: {both}", row.persons,
                         None if observed is None else float(observed)))
    contact_sums = data.contacts.groupby(["group_key", "service_key"])["events"].sum()
    for row in data.group_contacts.itertuples():
        observed = contact_sums.get((row.group_key, row.service_key))
        suite.add(_exact("reasons_add_up", f"contacts {row.group_key} {row.service_key}: {both}", row.events,
                         None if observed is None else float(observed)))
    keys = ["group_key", "months_since_settlement", "service_key"]
    month_sums = data.months.groupby(keys)[["persons_followed", "persons_with_contact"]].sum()
    for row in data.group_months.itertuples():
        key = (row.group_key, row.months_since_settlement, row.service_key)
        for measure in ("persons_followed", "persons_with_contact"):
            observed = month_sums[measure].get(key)
            suite.add(_exact("reasons_add_up",
                             f"{measure} {row.group_key} month {row.months_since_settlement} {row.service_key}: "
                             f"{both}", getattr(row, measure), None if observed is None else float(observed)))
    return suite
