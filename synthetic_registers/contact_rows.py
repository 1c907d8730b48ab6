"""Contact rows per service: the valid contacts on their sampled days, then the irregular dates outside
follow-up that real extracts carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import calendar as cal
from .allocation import largest_remainder, scaled
from .basis import Basis
from .contacts import PROFILE_OF
from .output import Tally
from .population import Persons

BILL_SERVICES = ("gp_contact", "out_of_hours_contact", "midwife", "dental_treatment", "dental_other")
SPECIALIST = {
    "somatikk": ("somatic_inpatient", "somatic_day", "somatic_outpatient"),
    "phv": ("mental_adult_inpatient", "mental_adult_day", "mental_adult_outpatient"),
    "phbu": ("mental_child_inpatient", "mental_child_day", "mental_child_outpatient"),
}
HOM_SERVICES = ("home_care_decision", "institution_care_decision")
SERVICES = (*BILL_SERVICES, *[s for services in SPECIALIST.values() for s in services], *HOM_SERVICES)

IRREGULAR_DATES = ("contacts_before_settlement", "contacts_before_inclusion", "contacts_after_exit",
                   "contacts_after_inclusion")


@dataclass(frozen=True)
class Contacts:
    """Contacts of one service: person index, day, and whether the day lies inside follow-up."""

    person: np.ndarray
    day: np.ndarray
    valid: np.ndarray
    irregular_kind: np.ndarray  # index into IRREGULAR_DATES, -1 for valid contacts


def file_of(service: str) -> str:
    """The file a service's contacts are written to."""
    if service in BILL_SERVICES:
        return "kpr/kuhr_regninger"
    if service in HOM_SERVICES:
        return "kpr/hom_vedtak"
    return "npr/" + next(f for f, v in SPECIALIST.items() if service in v)


def draw_contacts(basis: Basis, rng: np.random.Generator) -> dict[str, Contacts]:
    """Every service's valid contacts (basis.counts per person), dated inside follow-up, in SERVICES order."""
    contacts = {}
    for service in SERVICES:
        person = np.repeat(np.arange(len(basis.persons), dtype=np.int32), basis.counts[service])
        day = basis.sampler.sample(PROFILE_OF[service], person, rng).astype(np.int32)
        contacts[service] = Contacts(person, day, np.ones(len(person), bool), np.full(len(person), -1, np.int8))
    return contacts


def add_irregular_dates(persons: Persons, contacts: Mapping[str, Contacts], rng: np.random.Generator,
                        rates: Mapping[str, float]) -> tuple[dict[str, Contacts], Tally]:
    """`contacts` with contacts outside follow-up added, spread over the services in proportion to their
    valid contacts; and the count of those per kind and file."""
    p = persons
    contacts = dict(contacts)
    tally = Tally()
    total = sum(len(c.person) for c in contacts.values())
    services = list(contacts)
    sizes = np.array([len(contacts[s].person) for s in services], dtype=float)
    birth_day = cal.month_start((p.birth_year.astype(np.int64) - 1970) * 12 + p.birth_month - 1)
    jan1 = cal.day("2022-01-01")
    eligible = {
        "contacts_before_settlement": np.flatnonzero((p.group < 2) & (p.settlement_day > cal.INCLUSION_START + 7)),
        "contacts_before_inclusion": np.flatnonzero((p.group >= 2) & (birth_day < jan1)),
        "contacts_after_exit": np.flatnonzero((p.exit_day >= p.start_day) & (p.exit_day < cal.INCLUSION_END - 1)),
        "contacts_after_inclusion": np.flatnonzero(p.exit_day < 0),
    }
    for k, kind in enumerate(IRREGULAR_DATES):
        n_kind = scaled(total, rates[kind])
        cand = eligible[kind]
        if n_kind == 0 or len(cand) == 0:
            continue
        per_service = largest_remainder(sizes, n_kind)
        for s, m in zip(services, per_service, strict=True):
            if m == 0:
                continue
            who = cand[rng.integers(0, len(cand), m)]
            if kind == "contacts_before_settlement":
                lo, hi = np.full(m, cal.INCLUSION_START), p.settlement_day[who] - 1
            elif kind == "contacts_before_inclusion":
                lo, hi = np.full(m, jan1), np.full(m, cal.INCLUSION_START - 1)
            elif kind == "contacts_after_exit":
                lo, hi = p.exit_day[who] + 1, np.full(m, cal.INCLUSION_END)
            else:
                lo, hi = np.full(m, cal.day("2024-01-01")), np.full(m, cal.day("2024-03-31"))
            day = lo + (rng.random(m) * (hi - lo + 1)).astype(np.int64)
            c = contacts[s]
            contacts[s] = Contacts(np.concatenate([c.person, who.astype(np.int32)]),
                                   np.concatenate([c.day, day.astype(np.int32)]),
                                   np.concatenate([c.valid, np.zeros(m, bool)]),
                                   np.concatenate([c.irregular_kind, np.full(m, k, np.int8)]))
            tally.count(kind, file_of(s), m)
    return contacts, tally
