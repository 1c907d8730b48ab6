"""How many valid contacts of each Table 2 service every person gets.

Totals per group and service are the published counts scaled, exactly. They are spread over age-sex
strata by a rate profile (pinned to the report's age-sex figures where it quotes one), within strata over
persons by follow-up time (weighted by month since settlement for the recent groups) and a gamma frailty,
and for the recent groups' GP and out-of-hours contacts also exactly over the V2/V3 municipalities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import calendar as cal
from .allocation import scaled, systematic
from .population import Persons
from .reference import GROUPS, Reference

AGE_GROUPS = ("0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
SOMATIC = ("somatic_day", "somatic_inpatient", "somatic_outpatient")

# Relative annual rates by age group (male, female); only the shape matters, totals are published.
PROFILES: dict[str, tuple[list[float], list[float]]] = {
    "gp_contact": ([3.5, 2.2, 3.0, 3.8, 4.6, 5.8, 7.3, 10.3], [3.3, 3.2, 6.5, 7.0, 7.0, 8.0, 8.5, 10.6]),
    "out_of_hours_contact": ([0.9, 0.5, 0.6, 0.5, 0.45, 0.45, 0.5, 0.9], [0.8, 0.6, 0.8, 0.6, 0.5, 0.5, 0.5, 0.9]),
    "midwife": ([0, 0, 0, 0, 0, 0, 0, 0], [0, 0.03, 0.5, 0.6, 0.15, 0.02, 0.01, 0]),
    "dental_treatment": ([0.15, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.5], [0.15, 0.3, 0.45, 0.5, 0.55, 0.6, 0.6, 0.5]),
    "dental_other": ([0.1, 0.15, 0.15, 0.15, 0.16, 0.17, 0.18, 0.15], [0.1, 0.15, 0.16, 0.17, 0.18, 0.18, 0.18, 0.15]),
    "somatic": ([0.8, 0.6, 0.7, 0.9, 1.2, 1.7, 2.5, 3.3], [0.7, 0.8, 1.6, 1.9, 1.7, 1.9, 2.3, 3.0]),
    "mental_adult": ([0, 0.04, 0.6, 0.6, 0.5, 0.35, 0.2, 0.1], [0, 0.12, 0.9, 0.8, 0.6, 0.4, 0.2, 0.1]),
    "mental_child": ([0.25, 0.6, 0, 0, 0, 0, 0, 0], [0.15, 0.9, 0, 0, 0, 0, 0, 0]),
    "home_care_decision": ([0.004, 0.004, 0.005, 0.007, 0.01, 0.02, 0.05, 0.35],) * 2,
    "institution_care_decision": ([0, 0, 0.0005, 0.001, 0.002, 0.005, 0.02, 0.3],) * 2,
}
PROFILE_OF = {
    "gp_contact": "gp_contact", "out_of_hours_contact": "out_of_hours_contact", "midwife": "midwife",
    "dental_treatment": "dental_treatment", "dental_other": "dental_other",
    **{s: "somatic" for s in SOMATIC},
    **{f"mental_adult_{lvl}": "mental_adult" for lvl in ("day", "inpatient", "outpatient")},
    **{f"mental_child_{lvl}": "mental_child" for lvl in ("day", "inpatient", "outpatient")},
    "home_care_decision": "home_care_decision", "institution_care_decision": "institution_care_decision",
}
# Services whose contacts are allocated (consultations are chosen among GP / out-of-hours bills later).
ALLOCATED = tuple(PROFILE_OF)

# Heterogeneity between persons: gamma frailty shape per profile (smaller = more concentrated), on top
# of a shared need factor so that heavy users of one service tend to use the others.
FRAILTY_SHAPE = {"gp_contact": 0.7, "out_of_hours_contact": 0.3, "midwife": 0.8, "dental_treatment": 0.9,
                 "dental_other": 0.9, "somatic": 0.6, "mental_adult": 0.15, "mental_child": 0.15,
                 "home_care_decision": 1.0, "institution_care_decision": 1.0}
SHARED_NEED_SHAPE = 4.0
SHARED_NEED_POWER = {"gp_contact": 1.0, "out_of_hours_contact": 0.6, "somatic": 0.8}

# Relative intensity by month since settlement (0 = settlement month) for the recent groups; the last
# value holds for later months. Calibrated to Figure 3 and the time to first contact (section 3.4).
# Keyed by (family, group index); a family without an entry for a group is flat.
MONTH_PROFILE = {
    ("gp_contact", 0): [1.3, 0.85, 0.9, 0.95, 1.0, 1.0],
    ("gp_contact", 1): [0.9, 0.85, 0.9, 0.95, 1.0, 1.0, 1.05],
    # Ukrainian refugees: 5.4 % in the settlement month, 2.1-3.3 % in months 1-4, 1.2 % in month 17
    # (Figure 3); month 1 is lower than its neighbours because the settlement month's episodes spill into it.
    ("out_of_hours_contact", 0): [2.95, 0.72, 0.85, 0.85, 0.85, 0.85, 0.8, 0.72, 0.62, 0.55, 0.48, 0.38],
    # Other recent refugees: 3-4 % in months 0-4, 1.8 % in month 17 (Figure 3).
    ("out_of_hours_contact", 1): [1.9, 0.82, 0.9, 0.9, 0.88, 0.88, 0.85, 0.78, 0.68, 0.58, 0.5],
    ("somatic", 0): [0.25, 0.5, 0.7, 0.9, 1.0, 1.05],
    ("somatic", 1): [0.25, 0.45, 0.65, 0.85, 1.0, 1.05],
}
# Heterogeneity of GP use differs between the recent groups (Figure 3: other refugees' monthly shares
# are higher at a similar time to first contact).
GROUP_FRAILTY_SHAPE = {("gp_contact", 1): 1.3}


# Older recent refugees reach care sooner (section 3.4: Ukrainians 70+ at 2.0-2.1 months against 3.6 for
# all): for persons of at least EARLY_CARE_MIN_AGE in the listed group, every family's intensity in months
# 0, 1, ... since settlement is multiplied by these factors.
EARLY_CARE_MIN_AGE = 70
EARLY_CARE_BOOST = {0: [1.9, 1.4]}


# Family members reunified with a refugee (Igrus2 74) reach primary care later after settlement: the
# supervisory investigation of family reunification (Ukom) found that municipalities often do not follow
# them up as they follow up refugees (no health assessment, no introduction programme at once). Their GP and
# out-of-hours intensity in months 0, 1, ... since settlement is multiplied by these factors (from month
# len(...) on, 1); the refugees' (71) intensity in the same months is raised so that the group's mean over
# its persons is unchanged (its published Figure 3 and totals stay as calibrated). The factors are an
# assumption for a visible, documented difference, not a published estimate.
REUNIFIED_PRIMARY_CARE_DELAY = {"gp_contact": [0.35, 0.55, 0.75, 0.9],
                                "out_of_hours_contact": [0.5, 0.7, 0.85]}


def month_profile(family: str, months_since: np.ndarray, group: np.ndarray,
                  age: np.ndarray | None = None, reunified: np.ndarray | None = None) -> np.ndarray:
    """Intensity of a service family per person-month of the recent groups, by month since settlement;
    `reunified` (Igrus2 74, aligned with `months_since`) applies REUNIFIED_PRIMARY_CARE_DELAY."""
    out = np.ones(len(months_since))
    for g in (0, 1):
        prof = np.asarray(MONTH_PROFILE.get((family, g), [1.0]))
        sel = group == g
        out[sel] = prof[np.minimum(months_since[sel], len(prof) - 1)]
        boost = EARLY_CARE_BOOST.get(g)
        if boost is not None and age is not None:
            early = sel & (age >= EARLY_CARE_MIN_AGE) & (months_since < len(boost))
            out[early] *= np.asarray(boost)[months_since[early]]
        delay = REUNIFIED_PRIMARY_CARE_DELAY.get(family)
        if delay is not None and reunified is not None:
            for month, factor in enumerate(delay):
                in_month = sel & (months_since == month)
                share = reunified[in_month].mean() if in_month.any() else 0.0
                if share < 1:
                    # The refugees' factor, so that share x delay + (1 - share) x refugees' factor = 1.
                    out[in_month] *= np.where(reunified[in_month], factor, (1 - share * factor) / (1 - share))
    return out


@dataclass
class RecentMonths:
    """Person-months of the recent groups per calendar month, flattened: entry k is (person, month)."""

    person: np.ndarray
    month: np.ndarray  # month index (months since 1970-01)
    months_since: np.ndarray
    first_day: np.ndarray  # first followed day in that month
    last_day: np.ndarray
    person_months: np.ndarray

    @classmethod
    def build(cls, persons: Persons) -> RecentMonths:
        idx = np.flatnonzero((persons.group < 2) & (persons.person_months > 0))
        m0, m1 = cal.month_index(persons.start_day[idx]), cal.month_index(persons.end_day[idx])
        n_months = m1 - m0 + 1
        person = np.repeat(idx, n_months)
        offset = np.arange(n_months.sum()) - np.repeat(np.cumsum(n_months) - n_months, n_months)
        month = np.repeat(m0, n_months) + offset
        first = np.maximum(cal.month_start(month), persons.start_day[person])
        last = np.minimum(cal.month_start(month + 1) - 1, persons.end_day[person])
        since = month - cal.month_index(persons.settlement_day[person])
        return cls(person, month, since, first, last, cal.person_months(first, last))


def age_group_index(age: np.ndarray) -> np.ndarray:
    return np.minimum(age // 10, 7).astype(np.int8)


def pinned_rates(ref: Reference, group: str, family: str) -> np.ndarray:
    """Annual rates the report quotes for (sex, age group) cells, NaN where it quotes none.

    Point values are pinned; a range over age groups pins its two ends and interpolates between them."""
    service = {"gp_contact": "gp_contact", "somatic": "somatic_any"}.get(family)
    pins = np.full((2, 8), np.nan)
    if service is None:
        return pins
    rows = ref.text_figure(topic="age_sex_rate", group=group, service=service, measure="annual_contacts_per_person")
    for r in rows:
        sexes = [0, 1] if r["sex"] == "all" else [0 if r["sex"] == "male" else 1]
        lo_v, hi_v = float(r["value_low"]), float(r["value_high"])
        if r["age_group"] in AGE_GROUPS:
            for s in sexes:
                pins[s, AGE_GROUPS.index(r["age_group"])] = (lo_v + hi_v) / 2
        else:  # a span such as 20-69: the range's ends at its first and last ten-year group
            a, b = (int(x) for x in r["age_group"].split("-"))
            first, last = a // 10, b // 10
            for s in sexes:
                pins[s, first], pins[s, last] = lo_v, hi_v
    # Values inside a quoted span follow the line between its ends (keeps the whole span inside it).
    for r in rows:
        if r["age_group"] not in AGE_GROUPS:
            a, b = (int(x) for x in r["age_group"].split("-"))
            for s in ([0, 1] if r["sex"] == "all" else [0 if r["sex"] == "male" else 1]):
                known = [k for k in range(a // 10, b // 10 + 1) if not np.isnan(pins[s, k])]
                for k in range(a // 10, b // 10 + 1):
                    if np.isnan(pins[s, k]):
                        pins[s, k] = np.interp(k, known, pins[s, known])
    if group == "ukraine_recent" and family == "gp_contact":
        ratio = ref.text_figure(topic="age_sex_rate", group=group, measure="ratio_to_other_recent")
        other = pinned_rates(ref, "other_recent", family)
        for r in ratio:
            k, s = AGE_GROUPS.index(r["age_group"]), 1 if r["sex"] == "female" else 0
            pins[s, k] = other[s, k] * (float(r["value_low"]) + float(r["value_high"])) / 2 * 0.9
    return pins


def stratum_targets(ref: Reference, group: str, service: str, total: int, pm_by_stratum: np.ndarray) -> np.ndarray:
    """Expected contacts per (sex, age group) summing to `total`, meeting pinned rates where possible."""
    family = PROFILE_OF[service]
    rel = np.array(PROFILES[family], dtype=float)
    pins = pinned_rates(ref, group, family)
    if family == "somatic":
        # The report's figure is for all somatic levels; each level takes its share of the group total.
        share = ref.table2[service][group] / sum(ref.table2[s][group] for s in SOMATIC)
        pins = pins * share
    fixed = np.where(np.isnan(pins), 0.0, pins) * pm_by_stratum / 12
    free = np.where(np.isnan(pins), rel, 0.0) * pm_by_stratum / 12
    remaining = total - fixed.sum()
    if free.sum() > 0 and remaining > 0:
        expected = fixed + free * remaining / free.sum()
    else:  # the pins cannot be met with this total: keep the profile's shape instead
        expected = np.where(np.isnan(pins), rel, pins) * pm_by_stratum
        expected = expected / max(expected.sum(), 1e-12) * total
    return expected


def allocate(persons: Persons, ref: Reference, scale: float, rng: np.random.Generator,
             recent_months: RecentMonths) -> dict[str, np.ndarray]:
    """Valid contacts per person and service (int32 arrays aligned with `persons`)."""
    n = len(persons)
    ag = age_group_index(persons.age)
    stratum = (persons.sex.astype(np.int64) - 1) * 8 + ag
    need = rng.gamma(SHARED_NEED_SHAPE, 1 / SHARED_NEED_SHAPE, n)
    # Exposure of recent persons weighted by month since settlement, per profile family.
    exposure: dict[str, np.ndarray] = {}
    for family in sorted(set(PROFILE_OF.values())):
        w = recent_months.person_months * month_profile(family, recent_months.months_since,
                                                        persons.group[recent_months.person],
                                                        persons.age[recent_months.person],
                                                        persons.igrus2[recent_months.person] == "74")
        e = persons.person_months.copy()
        e[persons.group < 2] = 0.0
        e += np.bincount(recent_months.person, weights=w, minlength=n)
        exposure[family] = e
    frailty = {}
    for f in sorted(set(PROFILE_OF.values())):
        shape = np.full(n, FRAILTY_SHAPE[f])
        for (family, g), value in GROUP_FRAILTY_SHAPE.items():
            if family == f:
                shape[persons.group == g] = value
        frailty[f] = rng.gamma(shape, 1 / shape) * need ** SHARED_NEED_POWER.get(f, 0.5)
    cells = municipality_cells(ref, scale)
    # One order per group (by stratum, random within): systematic sampling along it keeps every
    # stratum's count within one of its expectation.
    members_of = [np.flatnonzero(persons.group == gi) for gi in range(len(GROUPS))]
    order_of = [np.lexsort((rng.random(len(m)), stratum[m])) for m in members_of]
    counts: dict[str, np.ndarray] = {}
    for service in ALLOCATED:
        family = PROFILE_OF[service]
        out = np.zeros(n, np.int32)
        for gi, group in enumerate(GROUPS):
            members = members_of[gi]
            total = scaled(ref.table2[service][group], scale)
            pm = np.bincount(stratum[members], weights=persons.person_months[members], minlength=16).reshape(2, 8)
            expected = stratum_targets(ref, group, service, total, pm).reshape(16)
            weight = frailty[family][members] * exposure[family][members]
            # Within each stratum, person weights scaled to the stratum's expected contacts.
            stratum_weight = np.bincount(stratum[members], weights=weight, minlength=16)
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(stratum_weight > 0, expected / stratum_weight, 0.0)
            weight = weight * factor[stratum[members]]
            cell_totals = cells.get((group, service))
            if cell_totals is not None:
                out[members] = allocate_in_cells(persons.municipality[members], stratum[members], weight,
                                                 cell_totals, total, rng)
            else:
                order = order_of[gi]
                got = np.zeros(len(members), np.int64)
                got[order] = systematic(weight[order], total, rng.random())
                out[members] = got
        counts[service] = out
    return counts


def municipality_cells(ref: Reference, scale: float) -> dict[tuple[str, str], dict[int, int]]:
    """Contacts per listed municipality (index into the 2024 list) for the recent groups' GP and
    out-of-hours services; suppressed cells ("-": 5 or fewer) get 3."""
    codes = [m["municipality_code"] for m in ref.municipalities]
    out: dict[tuple[str, str], dict[int, int]] = {}
    for r in ref.municipality_cells:
        if scaled(float(r["persons"]), scale) == 0:
            continue  # at small scales a cell without persons leaves its contacts to the other municipalities
        contacts = float(r["contacts"]) if r["contacts"] else 3.0
        out.setdefault((r["group"], r["service"]), {})[codes.index(r["municipality_code"])] = scaled(contacts, scale)
    return out


def allocate_in_cells(municipality: np.ndarray, stratum: np.ndarray, weight: np.ndarray,
                      cell_totals: dict[int, int], total: int, rng: np.random.Generator) -> np.ndarray:
    """Exact totals per listed municipality (and the remainder over the others), strata kept by raking."""
    listed = np.array(sorted(cell_totals))
    cell = np.where(np.isin(municipality, listed), municipality, -1).astype(np.int64)
    cell_ids = np.concatenate([listed, [-1]])
    rest = total - sum(cell_totals.values())
    if rest < 0:
        raise ValueError("the municipality cells exceed the group's total")
    goal = np.array([cell_totals[c] for c in listed] + [rest], dtype=float)
    pos = np.searchsorted(cell_ids[:-1], cell)
    pos = np.where(cell == -1, len(listed), pos)
    stratum_goal = np.bincount(stratum, weights=weight, minlength=16)
    w = weight.copy()
    for _ in range(20):  # raking: municipality totals exact, stratum totals close
        have = np.bincount(pos, weights=w, minlength=len(goal))
        w *= np.where(have > 0, goal / np.maximum(have, 1e-300), 0.0)[pos]
        have_s = np.bincount(stratum, weights=w, minlength=16)
        w *= np.where(have_s > 0, stratum_goal / np.maximum(have_s, 1e-300), 0.0)[stratum]
    out = np.zeros(len(w), np.int64)
    for k, c_total in enumerate(goal.astype(np.int64)):
        members = np.flatnonzero(pos == k)
        if c_total == 0:
            continue
        if len(members) == 0:
            raise ValueError(f"municipality cell {cell_ids[k]} has contacts but no persons")
        ww = w[members]
        if ww.sum() <= 0:
            ww = np.ones(len(members))
        order = np.lexsort((rng.random(len(members)), stratum[members]))
        got = np.zeros(len(members), np.int64)
        got[order] = systematic(ww[order], int(c_total), rng.random())
        out[members] = got
    return out
