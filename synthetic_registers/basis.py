"""What is built once and every writer reads: the population, its contacts per service, ids and codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .allocation import scaled
from .contacts import RecentMonths, allocate
from .dates import DateSampler
from .population import Persons, PopulationBuilder
from .progress import Progress
from .reference import Reference, read_csv


@dataclass(frozen=True)
class MunicipalityCodes:
    """The 2024 municipality codes and the code of each in the pre-2024 structure, as the files write them."""

    code_of: np.ndarray  # 2024 code per municipality index (Reference.municipalities)
    old_code_of: np.ndarray  # its pre-2024 code (the same code where it did not change)
    dictionary: list[str]  # the 2024 codes, then each pre-2024 code once (a dictionary must not repeat a value)
    old_code_index: np.ndarray  # position of each municipality's pre-2024 code in `dictionary`

    def indices(self, municipality: np.ndarray, year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indices into `dictionary` of each municipality in `year`'s structure, and which are pre-2024 codes."""
        use_old = (year < 2024) & (self.old_code_of[municipality] != self.code_of[municipality])
        return np.where(use_old, self.old_code_index[municipality], municipality), use_old


def municipality_codes(ref: Reference) -> MunicipalityCodes:
    code_of = np.array([m["municipality_code"] for m in ref.municipalities], dtype=object)
    old = {r["municipality_code"]: r["old_municipality_code"] for r in read_csv("municipality_code_changes.csv")}
    old_code_of = np.array([old.get(c, c) for c in code_of], dtype=object)
    changed = [o for o, new in zip(old_code_of, code_of, strict=True) if o != new]
    dictionary = list(code_of) + changed
    position = {c: i for i, c in enumerate(dictionary)}
    old_code_index = np.array([position[c] for c in old_code_of], dtype=np.int64)
    return MunicipalityCodes(code_of, old_code_of, dictionary, old_code_index)


@dataclass(frozen=True)
class Basis:
    """The inputs every writer shares, built once by build_basis."""

    ref: Reference
    scale: float
    persons: Persons
    recent: RecentMonths
    counts: dict[str, np.ndarray]  # valid contacts per person, by service (contacts.allocate)
    sampler: DateSampler
    person_id: np.ndarray  # lopenr of each person
    unusable_id: np.ndarray  # lopenr of each extra person without sex or birth month (see ssb.write_persons)
    codes: MunicipalityCodes


def build_basis(ref: Reference, scale: float, unusable_rate: float, rng_persons: np.random.Generator,
                rng_allocate: np.random.Generator, rng_ids: np.random.Generator, progress: Progress) -> Basis:
    """The population at `scale`, its valid contacts per person and service, and ids for the population and
    for round(`unusable_rate` x persons) extra persons without sex or birth month."""
    progress.step("building the population")
    persons = PopulationBuilder(ref, scale, rng_persons).build()
    recent = RecentMonths.build(persons)
    progress.step("allocating contacts to persons")
    counts = allocate(persons, ref, scale, rng_allocate, recent)
    sampler = DateSampler(persons, recent)
    n = len(persons)
    n_unusable = scaled(n, unusable_rate)
    ids = rng_ids.permutation(n + n_unusable).astype(np.int64) + 10_000_001
    return Basis(ref, scale, persons, recent, counts, sampler, person_id=ids[:n], unusable_id=ids[n:],
                 codes=municipality_codes(ref))
