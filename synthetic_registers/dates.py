"""Contact dates inside each person's follow-up."""

from __future__ import annotations

import numpy as np

from .contacts import RecentMonths, month_profile
from .population import Persons

# Share of a person's contacts that follow an earlier contact within two weeks (a consultation, then a
# phone call with test results; a series of outpatient visits): care comes in episodes.
EPISODE_FOLLOW_SHARE = {"gp_contact": 0.55, "out_of_hours_contact": 0.35, "somatic": 0.35, "mental_adult": 0.6,
                        "mental_child": 0.6}


class DateSampler:
    """Draws contact days: uniform over follow-up for the settled groups; for the recent groups by the
    service family's intensity per month since settlement, uniform within the chosen month."""

    def __init__(self, persons: Persons, recent: RecentMonths) -> None:
        self.persons, self.recent = persons, recent
        self._cum: dict[str, np.ndarray] = {}

    def _cumulative(self, family: str) -> np.ndarray:
        if family not in self._cum:
            w = self.recent.person_months * month_profile(family, self.recent.months_since,
                                                          self.persons.group[self.recent.person],
                                                          self.persons.age[self.recent.person],
                                                          self.persons.igrus2[self.recent.person] == "74")
            self._cum[family] = np.cumsum(w)
        return self._cum[family]

    def sample(self, family: str, person: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        p = self.persons
        start, end = p.start_day[person], p.end_day[person]
        day = start + (rng.random(len(person)) * (end - start + 1)).astype(np.int64)
        recent = p.group[person] < 2
        if recent.any():
            who = person[recent]
            cum = self._cumulative(family)
            first = np.searchsorted(self.recent.person, who, side="left")
            last = np.searchsorted(self.recent.person, who, side="right") - 1
            base = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)
            base = np.where(first == 0, 0.0, base)
            target = base + rng.random(len(who)) * (cum[last] - base)
            k = np.clip(np.searchsorted(cum, target, side="right"), first, last)
            lo, hi = self.recent.first_day[k], self.recent.last_day[k]
            day[recent] = lo + (rng.random(len(who)) * (hi - lo + 1)).astype(np.int64)
        return self._episodes(family, person, day, end, rng)

    @staticmethod
    def _episodes(family: str, person: np.ndarray, day: np.ndarray, end: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
        """Contacts of one person are contiguous in `person`; a share of them (never a person's first)
        are moved to 0-13 days after the contact that opened their episode."""
        share = EPISODE_FOLLOW_SHARE.get(family, 0.0)
        if share == 0 or len(person) == 0:
            return day
        first_of_person = np.ones(len(person), bool)
        first_of_person[1:] = person[1:] != person[:-1]
        opens = first_of_person | (rng.random(len(person)) >= share)
        opener = np.flatnonzero(opens)[np.cumsum(opens) - 1]
        follow = day[opener] + rng.integers(0, 14, len(person))
        return np.where(opens, day, np.minimum(follow, end))
