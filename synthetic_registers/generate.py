"""Write a whole extract set: SSB persons and residence, KUHR bills with tariffs and diagnoses, HOM
decisions, NPR episodes per sector, and manifest.json.

Valid contacts (inside each person's follow-up) meet the published totals exactly; the irregularities real
extracts carry are added on top as extra rows, each counted in the manifest, so that none of them can reach
a published total through a warehouse that handles them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from extract_contract.checksums import sha256_files

from . import __version__
from . import calendar as cal
from .allocation import largest_remainder, pick_exact, scaled
from .contacts import PROFILE_OF, RecentMonths, allocate
from .dates import DateSampler
from .diagnoses import (
    ICD10_LETTERS,
    choose_chapters,
    code_indices,
    icd10_dictionary,
    icpc2_dictionary,
    spread_over_contacts,
)
from .population import PopulationBuilder
from .progress import Progress
from .reference import GROUPS, Reference
from .tables import clock, dates, dictionary, year_of

IRREGULARITIES = {
    "duplicate_bill_rows": "kpr/kuhr_regninger: exact copies of bill rows",
    "duplicate_tariff_rows": "kpr/kuhr_takster: exact copies of tariff rows",
    "contacts_before_settlement": "bills and episodes of recent refugees dated after 2022-04-01 but before settlement",
    "contacts_before_inclusion": "bills and episodes dated 2022-01-01 .. 2022-03-31",
    "contacts_after_exit": "bills and episodes dated after the person's death or emigration",
    "contacts_after_inclusion": "bills and episodes dated 2024-01-01 .. 2024-03-31",
    "unknown_tariff_codes": "kpr/kuhr_takster: extra rows with a tariff code no code list knows, on valid bills",
    "bills_without_tariff": "kpr/kuhr_regninger: bills dated inside follow-up with no tariff row",
    "invalid_diagnosis_codes": "kpr/kuhr_diagnoser: extra further diagnoses whose code is not a valid code",
    "persons_missing_sex_or_birth_month": ("ssb/persons: extra persons without sex or birth month "
                                           "(each with one GP bill)"),
    "episodes_discharged_before_admission": "npr/somatikk: extra episodes whose discharge date precedes admission",
    "decisions_from_after_to": "kpr/hom_vedtak: extra decisions whose from-date is after the to-date",
}
# Not injected but counted: codes in a pre-2024 municipality structure (the real structure of their year).
COUNTED = {
    "pre_2024_municipality_codes": "ssb/residence and ssb/persons rows whose municipality code is a pre-2024 code",
}
DEFAULT_RATE = 0.005
# A rate is irregular rows per row of the file or contacts the kind is drawn from. Duplicates copy distinct
# rows and the extra-code kinds add one code to distinct valid bills (draws without replacement), so no kind
# can exceed one irregular row per row: 1.0 is the largest rate every kind can honour.
MAX_RATE = 1.0
# Scale is the share of the national population (1.0 = 5.7 million persons, the whole country; the
# calibration targets are national figures, so a larger "share" is not a share). Below MIN_SCALE the smallest
# group (other_recent, 14,532 persons) rounds to one person or none, and under 0.5/14,532 the age-sex
# calibration has no persons to work on.
MIN_SCALE = 0.0001
MAX_SCALE = 1.0
# The marker of a generator output: an existing --out directory is replaced only if it holds this file (or
# is empty), so that real extracts or any other directory are never deleted by a mistyped --out.
MANIFEST = "manifest.json"


def scale_error(scale: float) -> str | None:
    """Why `scale` cannot be generated, or None."""
    if not MIN_SCALE <= scale <= MAX_SCALE:  # also rejects nan
        return (f"must be between {MIN_SCALE:g} and {MAX_SCALE:g} (the share of the national population; "
                f"1 = the whole country), got {scale:g}")
    return None


def rate_error(rate: float) -> str | None:
    """Why `rate` cannot be honoured, or None."""
    if not 0 <= rate <= MAX_RATE:  # also rejects nan
        return (f"must be between 0 and {MAX_RATE:g} (irregular rows per row; duplicates and extra codes are "
                f"drawn from distinct rows, so at most one per row), got {rate:g}")
    return None


def seed_error(seed: int) -> str | None:
    if seed < 0:
        return f"must be a non-negative integer (numpy seeds are >= 0), got {seed}"
    return None


def out_error(out: Path) -> str | None:
    """Why `out` cannot be written or replaced, or None."""
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a directory"
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        return (f"{out} is not empty and holds no {MANIFEST}, so it is not a generator output; "
                f"refusing to replace it (remove it or choose another directory)")
    return None


def check_arguments(scale: float, seed: int, out: Path, rates: dict[str, float]) -> None:
    """Raise ValueError naming the first argument the generator cannot honour."""
    unknown = set(rates) - set(IRREGULARITIES)
    if unknown:
        raise ValueError(f"unknown irregularity kind(s) {sorted(unknown)}; known: {sorted(IRREGULARITIES)}")
    problems = [(f"rate of {kind}", rate_error(rate)) for kind, rate in rates.items()]
    problems += [("scale", scale_error(scale)), ("seed", seed_error(seed)), ("out", out_error(out))]
    for name, problem in problems:
        if problem:
            raise ValueError(f"{name} {problem}")

BILL_SERVICES = ("gp_contact", "out_of_hours_contact", "midwife", "dental_treatment", "dental_other")
SPECIALIST = {
    "somatikk": ("somatic_inpatient", "somatic_day", "somatic_outpatient"),
    "phv": ("mental_adult_inpatient", "mental_adult_day", "mental_adult_outpatient"),
    "phbu": ("mental_child_inpatient", "mental_child_day", "mental_child_outpatient"),
}
HOM_SERVICES = ("home_care_decision", "institution_care_decision")

# Tariff mix per provider: (code, weight). Consultations and other contacts are chosen separately.
CONSULTATION_TARIFFS = {
    "gp_contact": (("2ad", 0.72), ("2ak", 0.06), ("2ae", 0.15), ("2aek", 0.02), ("2ed", 0.05)),
    "out_of_hours_contact": (("2ad", 0.40), ("2ak", 0.38), ("2fk", 0.12), ("2nk", 0.05), ("2ae", 0.04), ("2aek", 0.01)),
}
OTHER_TARIFFS = {
    "gp_contact": (("1bd", 0.44), ("1ad", 0.18), ("1ak", 0.03), ("1bk", 0.04), ("1h", 0.12), ("1i", 0.12),
                   ("2ld", 0.03), ("11ad", 0.04)),
    "out_of_hours_contact": (("1ad", 0.30), ("1ak", 0.20), ("1bd", 0.20), ("1bk", 0.15), ("1g", 0.10), ("11ak", 0.05)),
    "midwife": (("1a", 0.15), ("1b", 0.70), ("2", 0.15)),
}
DENTAL_OTHER_CODES = ("1", "2", "3", "4", "5", "101", "102", "103", "104", "801", "802", "803")
UNKNOWN_TARIFFS = ("9zz", "2xx", "ZZ1", "00")
INVALID_DIAGNOSES = ("R7", "XXX", "999", "C12", "R 74", "Ø12")
# Time supplement / interpreter among the consultations the report measures: (time only, interpreter only,
# both) as parts of the published share.
SUPPLEMENT_MIX = {"ukraine_recent": (0.30, 0.45, 0.25), "other_recent": (0.25, 0.50, 0.25),
                  "refugees_before_2022": (0.55, 0.30, 0.15), "general_population": (0.95, 0.03, 0.02)}
# Institutions (fictitious 9-digit organisation numbers).
INSTITUTIONS = tuple(f"99{k:07d}" for k in range(101, 131))
MENTAL_ADULT_CODES = ("F32", "F321", "F33", "F41", "F411", "F43", "F431", "F20", "F31", "F60", "F10", "F50")
MENTAL_CHILD_CODES = ("F90", "F900", "F84", "F845", "F93", "F92", "F43", "F431", "F32", "F41", "F50", "F98")
HOME_CARE_WEIGHTS = {"1": 10, "2": 2, "3": 1, "4": 3, "5": 3, "6": 12, "7": 2, "9": 3, "11": 1, "15": 25}
INSTITUTION_WEIGHTS = {"8": 6, "17": 4, "18": 20, "19": 10, "20": 15, "21": 8}


@dataclass
class Contacts:
    """Contacts of one service: person index, day, and whether the day lies inside follow-up."""

    person: np.ndarray
    day: np.ndarray
    valid: np.ndarray
    irregular_kind: np.ndarray  # index into IRREGULAR_DATES, -1 for valid contacts


IRREGULAR_DATES = ("contacts_before_settlement", "contacts_before_inclusion", "contacts_after_exit",
                   "contacts_after_inclusion")


@dataclass
class Extracts:
    scale: float
    seed: int
    out: Path
    rates: dict[str, float]
    quiet: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    injected: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_arguments(self.scale, self.seed, self.out, self.rates)
        streams = np.random.SeedSequence(self.seed).spawn(12)
        self.rng = {name: np.random.default_rng(s) for name, s in zip(
            ("persons", "allocate", "dates", "bills", "diagnoses", "specialist", "hom", "irregular", "ids",
             "ssb", "tariffs", "spare"), streams, strict=True)}
        self.ref = Reference()
        self.progress = Progress(total=11, quiet=self.quiet)

    def rate(self, kind: str) -> float:
        return self.rates.get(kind, DEFAULT_RATE)

    def count(self, kind: str, file: str, n: int) -> None:
        self.injected.setdefault(kind, {})
        self.injected[kind][file] = self.injected[kind].get(file, 0) + int(n)

    # --------------------------------------------------------------------------------------------
    def run(self) -> dict:
        """Write every file into `out` (generate() points it at a temporary directory)."""
        self.out.mkdir(parents=True, exist_ok=True)
        for sub in ("ssb", "kpr", "npr"):
            (self.out / sub).mkdir(exist_ok=True)
        self.progress.step("building the population")
        self.persons = PopulationBuilder(self.ref, self.scale, self.rng["persons"]).build()
        self.recent = RecentMonths.build(self.persons)
        self.progress.step("allocating contacts to persons")
        self.counts = allocate(self.persons, self.ref, self.scale, self.rng["allocate"], self.recent)
        self.sampler = DateSampler(self.persons, self.recent)
        n = len(self.persons)
        n_unusable = scaled(n, self.rate("persons_missing_sex_or_birth_month"))
        self.n_unusable = n_unusable
        ids = self.rng["ids"].permutation(n + n_unusable).astype(np.int64) + 10_000_001
        self.person_id, self.unusable_id = ids[:n], ids[n:]
        self.code_of = np.array([m["municipality_code"] for m in self.ref.municipalities], dtype=object)
        old = {r["municipality_code"]: r["old_municipality_code"] for r in self._changes()}
        self.old_code_of = np.array([old.get(c, c) for c in self.code_of], dtype=object)
        self.progress.step("writing ssb/persons and ssb/residence")
        self.write_persons()
        self.write_residence()
        self.progress.step("drawing contact dates")
        self.contacts = {s: self.draw(s) for s in (*BILL_SERVICES, *[x for v in SPECIALIST.values() for x in v],
                                                   *HOM_SERVICES)}
        self.add_irregular_dates()
        self.write_bills()
        self.progress.step("writing npr episodes")
        self.write_specialist()
        self.progress.step("writing kpr/hom_vedtak")
        self.write_hom()
        manifest = self.manifest()
        (self.out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest

    @staticmethod
    def _changes() -> list[dict[str, str]]:
        from .reference import read_csv

        return read_csv("municipality_code_changes.csv")

    def municipality_code(self, municipality: np.ndarray, year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dictionary indices (into codes 2024 + their old codes) of each municipality in `year`'s structure."""
        use_old = (year < 2024) & (self.old_code_of[municipality] != self.code_of[municipality])
        return np.where(use_old, self.old_code_index[municipality], municipality), use_old

    @property
    def code_dictionary(self) -> list[str]:
        """The 2024 codes, then each pre-2024 code once (a dictionary must not repeat a value)."""
        changed = [old for old, new in zip(self.old_code_of, self.code_of, strict=True) if old != new]
        return list(self.code_of) + changed

    @property
    def old_code_index(self) -> np.ndarray:
        position = {c: i for i, c in enumerate(self.code_dictionary)}
        return np.array([position[c] for c in self.old_code_of], dtype=np.int64)

    # --- writing -----------------------------------------------------------------------------
    def write(self, name: str, table: pa.Table, writer: pq.ParquetWriter | None = None) -> pq.ParquetWriter | None:
        self.rows[name] = self.rows.get(name, 0) + table.num_rows
        if writer is None:
            pq.write_table(table, self.out / f"{name}.parquet", compression="zstd", row_group_size=1 << 20)
            return None
        writer.write_table(table, row_group_size=1 << 20)
        return writer

    def open(self, name: str, schema: pa.Schema) -> pq.ParquetWriter:
        self.rows.setdefault(name, 0)
        return pq.ParquetWriter(self.out / f"{name}.parquet", schema, compression="zstd")

    # --- SSB -----------------------------------------------------------------------------------
    def write_persons(self) -> None:
        p, rng = self.persons, self.rng["ssb"]
        n = len(p)
        refugee = (p.igrus2 == "71") | (p.igrus2 == "74")
        immigrant = p.country != "000"
        settle = p.settlement_day.copy()
        # Non-refugee immigrants: first settlement between 1980 and March 2022, never before birth.
        birth_day = cal.month_start((p.birth_year.astype(np.int64) - 1970) * 12 + p.birth_month - 1)
        other_imm = immigrant & ~refugee
        lo = np.maximum(cal.day("1980-01-01"), birth_day)
        span = np.maximum(cal.INCLUSION_START - 1 - lo, 0)
        settle = np.where(other_imm, lo + (rng.random(n) * span).astype(np.int64), settle)
        reasons = ["FLU", "FAM", "ARB", "UTD", "ANN", "UKJ"]
        reason = np.where(p.igrus2 == "71", 0, np.where(p.igrus2 == "74", 1, rng.choice(
            [2, 1, 3, 4, 5], n, p=[0.45, 0.35, 0.10, 0.07, 0.03])))
        status = {}
        for year in (2022, 2023, 2024):
            d = cal.day(f"{year}-01-01")
            present = (birth_day <= d) & (~immigrant | (settle <= d))
            left = (p.exit_day >= 0) & (p.exit_day < d)
            status[year] = np.where(present & left, np.where(p.exit_kind == 1, 5, 3), np.where(present, 1, 0))
        self.status = status
        settle_year = year_of(np.maximum(settle, 0))
        muni_idx, muni_old = self.municipality_code(p.municipality, settle_year)
        self.count("pre_2024_municipality_codes", "ssb/persons", int((muni_old & immigrant).sum()))
        # Extra persons without sex or birth month: ordinary general-population people otherwise.
        k = self.n_unusable
        u_sex = rng.integers(1, 3, k)
        u_missing_sex = rng.random(k) < 0.5
        table = pa.table({
            "lopenr": pa.array(np.concatenate([self.person_id, self.unusable_id])),
            "kjonn": pa.array(np.concatenate([p.sex, u_sex]).astype(np.int16),
                              mask=np.concatenate([np.zeros(n, bool), u_missing_sex])),
            "foedselsaar": pa.array(np.concatenate([p.birth_year, rng.integers(1940, 2020, k)]).astype(np.int16)),
            "foedselsmnd": pa.array(np.concatenate([p.birth_month, rng.integers(1, 13, k)]).astype(np.int16),
                                    mask=np.concatenate([np.zeros(n, bool), ~u_missing_sex])),
            "fodeland": pa.array(np.concatenate([p.country, np.full(k, "000", dtype=object)]),
                                 pa.string()).dictionary_encode(),
            "igrus2": pa.array(np.concatenate([p.igrus2, np.full(k, None, dtype=object)]),
                               pa.string()).dictionary_encode(),
            "inngrunn1": dictionary(np.concatenate([reason, np.zeros(k, np.int64)]), reasons,
                                    mask=np.concatenate([~immigrant, np.ones(k, bool)])),
            "foerste_bosattdato": dates(np.concatenate([settle, np.zeros(k, np.int64)]),
                                        mask=np.concatenate([~immigrant, np.ones(k, bool)])),
            "bosettingskommune": dictionary(np.concatenate([muni_idx, np.zeros(k, np.int64)]), self.code_dictionary,
                                            mask=np.concatenate([~immigrant, np.ones(k, bool)])),
            **{f"status_{y}0101": pa.array(np.concatenate([status[y], np.ones(k, np.int64)]).astype(np.int16),
                                            mask=np.concatenate([status[y] == 0, np.zeros(k, bool)]))
               for y in (2022, 2023, 2024)},
            "doedsdato": dates(np.concatenate([p.exit_day, np.zeros(k, np.int64)]),
                               mask=np.concatenate([p.exit_kind != 1, np.ones(k, bool)])),
            "utvandringsdato": dates(np.concatenate([p.exit_day, np.zeros(k, np.int64)]),
                                     mask=np.concatenate([p.exit_kind != 2, np.ones(k, bool)])),
        })
        order = rng.permutation(table.num_rows)
        self.write("ssb/persons", table.take(pa.array(order)))
        self.count("persons_missing_sex_or_birth_month", "ssb/persons", k)

    def write_residence(self) -> None:
        p = self.persons
        parts = []
        old_rows = 0
        for year in (2022, 2023, 2024):
            who = np.flatnonzero(self.status[year] == 1)
            idx, old = self.municipality_code(p.municipality[who], np.full(len(who), year))
            old_rows += int(old.sum())
            parts.append(pa.table({"lopenr": pa.array(self.person_id[who]),
                                   "aargang": pa.array(np.full(len(who), year, np.int16)),
                                   "komm_nr": dictionary(idx, self.code_dictionary)}))
        self.write("ssb/residence", pa.concat_tables(parts))
        self.count("pre_2024_municipality_codes", "ssb/residence", old_rows)

    # --- contacts ------------------------------------------------------------------------------
    def draw(self, service: str) -> Contacts:
        person = np.repeat(np.arange(len(self.persons), dtype=np.int32), self.counts[service])
        day = self.sampler.sample(PROFILE_OF[service], person, self.rng["dates"]).astype(np.int32)
        return Contacts(person, day, np.ones(len(person), bool), np.full(len(person), -1, np.int8))

    def add_irregular_dates(self) -> None:
        """Contacts outside follow-up, spread over the services in proportion to their valid contacts."""
        p, rng = self.persons, self.rng["irregular"]
        total = sum(len(c.person) for c in self.contacts.values())
        services = list(self.contacts)
        sizes = np.array([len(self.contacts[s].person) for s in services], dtype=float)
        birth_day = cal.month_start((p.birth_year.astype(np.int64) - 1970) * 12 + p.birth_month - 1)
        jan1 = cal.day("2022-01-01")
        eligible = {
            "contacts_before_settlement": np.flatnonzero((p.group < 2) & (p.settlement_day > cal.INCLUSION_START + 7)),
            "contacts_before_inclusion": np.flatnonzero((p.group >= 2) & (birth_day < jan1)),
            "contacts_after_exit": np.flatnonzero((p.exit_day >= p.start_day) & (p.exit_day < cal.INCLUSION_END - 1)),
            "contacts_after_inclusion": np.flatnonzero(p.exit_day < 0),
        }
        for k, kind in enumerate(IRREGULAR_DATES):
            n_kind = scaled(total, self.rate(kind))
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
                c = self.contacts[s]
                self.contacts[s] = Contacts(np.concatenate([c.person, who.astype(np.int32)]),
                                            np.concatenate([c.day, day.astype(np.int32)]),
                                            np.concatenate([c.valid, np.zeros(m, bool)]),
                                            np.concatenate([c.irregular_kind, np.full(m, k, np.int8)]))
                file = ("kpr/kuhr_regninger" if s in BILL_SERVICES else "kpr/hom_vedtak" if s in HOM_SERVICES
                        else "npr/" + next(f for f, v in SPECIALIST.items() if s in v))
                self.count(kind, file, m)

    # --- KUHR ----------------------------------------------------------------------------------
    def write_bills(self) -> None:
        rng = self.rng["bills"]
        bill_schema = pa.schema([("enkeltregning_lnr", pa.int64()), ("KPR_lnr", pa.int64()), ("dato", pa.date32()),
                                 ("klokkeslett", pa.dictionary(pa.int32(), pa.string())),
                                 ("tjenestetype", pa.int16()),
                                 ("praksistype", pa.dictionary(pa.int32(), pa.string())),
                                 ("kommuneNr", pa.dictionary(pa.int32(), pa.string()))])
        tariff_schema = pa.schema([("enkeltregning_lnr", pa.int64()),
                                   ("takstkode", pa.dictionary(pa.int32(), pa.string())), ("antall", pa.int16())])
        diag_schema = pa.schema([("enkeltregning_lnr", pa.int64()),
                                 ("diagnosekode", pa.dictionary(pa.int32(), pa.string())),
                                 ("kodeverk", pa.dictionary(pa.int32(), pa.string())),
                                 ("er_hoveddiagnose", pa.bool_())])
        writers = {"bills": self.open("kpr/kuhr_regninger", bill_schema),
                   "tariffs": self.open("kpr/kuhr_takster", tariff_schema),
                   "diagnoses": self.open("kpr/kuhr_diagnoser", diag_schema)}
        next_id = 100_000_000_001
        try:
            for service in BILL_SERVICES:
                self.progress.step(f"writing kpr bills: {service}")
                c = self.contacts[service]
                # Extra bills: unusable persons' GP bills, and GP bills with no tariff row.
                extra_person = extra_day = None
                if service == "gp_contact":
                    n_bare = scaled(int(c.valid.sum()), self.rate("bills_without_tariff"))
                    who = rng.integers(0, len(self.persons), n_bare)
                    who = who[self.persons.person_months[who] > 0]
                    day = self.persons.start_day[who] + (rng.random(len(who)) * (
                        self.persons.end_day[who] - self.persons.start_day[who] + 1)).astype(np.int64)
                    extra_person, extra_day = who, day
                ids = np.arange(next_id, next_id + len(c.person), dtype=np.int64)
                next_id += len(c.person)
                self.bills_of(service, c, ids, writers, rng)
                if extra_person is not None:
                    bare_ids = np.arange(next_id, next_id + len(extra_person), dtype=np.int64)
                    next_id += len(extra_person)
                    self.write_bill_rows(service, bare_ids, self.person_id[extra_person], extra_day,
                                         self.persons.municipality[extra_person], np.zeros(len(bare_ids), bool),
                                         writers["bills"], rng, duplicate=False)
                    self.count("bills_without_tariff", "kpr/kuhr_regninger", len(bare_ids))
                    # The unusable persons' bills: one GP consultation each, in 2023.
                    k = self.n_unusable
                    u_ids = np.arange(next_id, next_id + k, dtype=np.int64)
                    next_id += k
                    u_day = cal.day("2023-01-01") + rng.integers(0, 365, k)
                    u_muni = rng.integers(0, len(self.code_of), k)
                    self.write_bill_rows(service, u_ids, self.unusable_id, u_day, u_muni, np.zeros(k, bool),
                                         writers["bills"], rng, duplicate=False)
                    self.write(
                        "kpr/kuhr_takster",
                        pa.table({"enkeltregning_lnr": pa.array(u_ids),
                                  "takstkode": dictionary(np.zeros(k, np.int64), ["2ad"]),
                                  "antall": pa.array(np.ones(k, np.int16))}, schema=tariff_schema),
                        writers["tariffs"])
        finally:
            for w in writers.values():
                w.close()

    def write_bill_rows(self, service: str, ids: np.ndarray, person_id: np.ndarray, day: np.ndarray,
                        municipality: np.ndarray, evening: np.ndarray, writer: pq.ParquetWriter,
                        rng: np.random.Generator, duplicate: bool = True) -> None:
        n = len(ids)
        if service == "gp_contact":
            tjenestetype, praksis = np.full(n, 1), rng.choice(3, n, p=[0.85, 0.1, 0.05])
            first_hour, hours = np.where(evening, 16, 8), np.where(evening, 5, 8)
        elif service == "out_of_hours_contact":
            tjenestetype, praksis = np.full(n, 2), 3 + rng.choice(3, n, p=[0.8, 0.15, 0.05])
            first_hour, hours = np.where(evening, 15, 8), np.where(evening, 17, 8)
        elif service == "midwife":
            tjenestetype, praksis = np.full(n, 12), np.full(n, 6)
            first_hour, hours = np.full(n, 8), np.full(n, 8)
        else:
            hygienist = rng.random(n) < 0.15
            tjenestetype, praksis = np.where(hygienist, 8, 6), np.where(hygienist, 8, 7)
            first_hour, hours = np.full(n, 8), np.full(n, 8)
        muni_idx, _ = self.municipality_code(municipality, year_of(day))
        table = pa.table({
            "enkeltregning_lnr": pa.array(ids), "KPR_lnr": pa.array(person_id), "dato": dates(day),
            "klokkeslett": clock(rng, n, first_hour, hours),
            "tjenestetype": pa.array(tjenestetype.astype(np.int16)),
            "praksistype": dictionary(praksis,
                                      ["FALE", "FALO", "FATU", "LEVA", "LEKO", "KOLE", "JORD", "TANN", "TAPL"]),
            "kommuneNr": dictionary(muni_idx, self.code_dictionary),
        })
        if duplicate:
            k = scaled(n, self.rate("duplicate_bill_rows"))
            if k:
                table = pa.concat_tables([table, table.take(pa.array(rng.choice(n, k, replace=False)))])
                self.count("duplicate_bill_rows", "kpr/kuhr_regninger", k)
        self.write("kpr/kuhr_regninger", table, writer)

    def bills_of(self, service: str, c: Contacts, ids: np.ndarray, writers: dict, rng: np.random.Generator) -> None:
        p = self.persons
        n = len(ids)
        group = p.group[c.person]
        codes: list[str] = []

        def code(values: tuple[str, ...]) -> np.ndarray:
            out = []
            for v in values:
                if v not in codes:
                    codes.append(v)
                out.append(codes.index(v))
            return np.asarray(out)

        def mix(options: tuple[tuple[str, float], ...], m: int) -> np.ndarray:
            names, weights = zip(*options, strict=True)
            return code(names)[rng.choice(len(names), m, p=np.asarray(weights) / sum(weights))]

        main = np.zeros(n, np.int32)
        rows_bill, rows_code, rows_count = [], [], []
        if service in CONSULTATION_TARIFFS:
            consult_service = service.replace("_contact", "_consultation")
            consultation = np.zeros(n, bool)
            for gi, g in enumerate(GROUPS):
                members = np.flatnonzero(c.valid & (group == gi))
                consultation[members[pick_exact(rng, len(members),
                                                scaled(self.ref.table2[consult_service][g], self.scale))]] = True
            irregular = ~c.valid
            consultation[irregular] = rng.random(int(irregular.sum())) < 0.5
            main[consultation] = mix(CONSULTATION_TARIFFS[service], int(consultation.sum()))
            main[~consultation] = mix(OTHER_TARIFFS[service], int((~consultation).sum()))
            time_code, interp_code, lab_code = code(("2cd", "7", "8"))
            # Supplements: the published share exactly among the measured consultations (service GP,
            # tariff 2ad or 2ae, valid, patient 20-49); about a third elsewhere among consultations.
            has_time = np.zeros(n, bool)
            has_interp = np.zeros(n, bool)
            age = p.age[c.person]
            measured = consultation & c.valid & np.isin(main, code(("2ad", "2ae"))) & (age >= 20) & (age < 50)
            if service == "gp_contact":
                for gi, g in enumerate(GROUPS):
                    members = np.flatnonzero(measured & (group == gi))
                    share = self.ref.table2["gp_consultation_pct_time_or_interpreter_age_20_49"][g] / 100
                    chosen = members[pick_exact(rng, len(members), int(np.floor(share * len(members) + 0.5)))]
                    kind = rng.choice(3, len(chosen), p=SUPPLEMENT_MIX[g])
                    has_time[chosen[kind != 1]] = True
                    has_interp[chosen[kind != 0]] = True
            other = consultation & ~measured if service == "gp_contact" else consultation
            refugee_share = np.where(group[other] < 3, 0.35, 0.12)
            has_time[other] = rng.random(int(other.sum())) < 0.3
            has_interp[other] = rng.random(int(other.sum())) < refugee_share
            lab = consultation & (rng.random(n) < 0.15)
            for flag, cd, count in ((has_time, time_code, None), (has_interp, interp_code, 1), (lab, lab_code, 1)):
                idx = np.flatnonzero(flag)
                rows_bill.append(ids[idx])
                rows_code.append(np.full(len(idx), cd))
                rows_count.append(rng.integers(1, 4, len(idx)) if count is None else np.ones(len(idx), np.int64))
        elif service == "midwife":
            main = mix(OTHER_TARIFFS["midwife"], n)
        elif service == "dental_treatment":
            main = code(tuple(str(k) for k in range(200, 708)))[rng.integers(0, 508, n)]
            exam = np.flatnonzero(rng.random(n) < 0.5)
            rows_bill.append(ids[exam])
            rows_code.append(code(DENTAL_OTHER_CODES)[rng.integers(0, len(DENTAL_OTHER_CODES), len(exam))])
            rows_count.append(np.ones(len(exam), np.int64))
        else:  # dental_other
            main = code(DENTAL_OTHER_CODES)[rng.integers(0, len(DENTAL_OTHER_CODES), n)]
            second = np.flatnonzero(rng.random(n) < 0.3)
            # A second, different tariff (one row per tariff code on a bill).
            others = code(DENTAL_OTHER_CODES)
            position = np.searchsorted(others, main[second]) if np.all(np.diff(others) > 0) else None
            if position is None:
                raise AssertionError("dental codes must be registered in order")
            shift = rng.integers(1, len(others), len(second))
            rows_bill.append(ids[second])
            rows_code.append(others[(position + shift) % len(others)])
            rows_count.append(np.ones(len(second), np.int64))
        evening = np.isin(main, [codes.index(x) for x in codes if x.endswith("k") or x in ("1g",)])
        self.write_bill_rows(service, ids, self.person_id[c.person], c.day, p.municipality[c.person], evening,
                             writers["bills"], rng)
        # Unknown tariff codes on valid bills (the bill keeps its known tariff).
        n_unknown = scaled(int(c.valid.sum()), self.rate("unknown_tariff_codes"))
        if n_unknown:
            on = rng.choice(np.flatnonzero(c.valid), n_unknown, replace=False)
            rows_bill.append(ids[on])
            rows_code.append(code(UNKNOWN_TARIFFS)[rng.integers(0, len(UNKNOWN_TARIFFS), n_unknown)])
            rows_count.append(np.ones(n_unknown, np.int64))
            self.count("unknown_tariff_codes", "kpr/kuhr_takster", n_unknown)
        bill = np.concatenate([ids, *rows_bill])
        tcode = np.concatenate([main, *rows_code])
        tcount = np.concatenate([np.ones(n, np.int64), *rows_count])
        k = scaled(len(bill), self.rate("duplicate_tariff_rows"))
        if k:
            dup = rng.choice(len(bill), k, replace=False)
            bill, tcode, tcount = (np.concatenate([a, a[dup]]) for a in (bill, tcode, tcount))
            self.count("duplicate_tariff_rows", "kpr/kuhr_takster", k)
        self.write("kpr/kuhr_takster", pa.table({"enkeltregning_lnr": pa.array(bill),
                                                  "takstkode": dictionary(tcode, codes),
                                                  "antall": pa.array(tcount.astype(np.int16))}),
                   writers["tariffs"])
        del bill, tcode, tcount, rows_bill, rows_code, rows_count, main
        self.bill_diagnoses(service, c, ids, writers["diagnoses"])

    def bill_diagnoses(self, service: str, c: Contacts, ids: np.ndarray, writer: pq.ParquetWriter) -> None:
        if service.startswith("dental"):
            return  # dental bills carry no diagnosis in this extract
        rng = self.rng["diagnoses"]
        icpc, per = icpc2_dictionary()
        dictionary_codes = icpc + list(INVALID_DIAGNOSES)
        if service == "midwife":
            chapter = np.full(len(ids), "ABDFHKLNPRSTUWXYZ".index("W"))
            rows, is_main = np.arange(len(ids)), np.ones(len(ids), bool)
        else:
            rows, chapter, is_main = self.chapters_for(service, c, rng)
        code_idx = code_indices(chapter, per, rng)
        bill = ids[rows]
        n_invalid = scaled(int(c.valid.sum()), self.rate("invalid_diagnosis_codes"))
        if n_invalid:
            on = rng.choice(np.flatnonzero(c.valid), n_invalid, replace=False)
            bill = np.concatenate([bill, ids[on]])
            code_idx = np.concatenate([code_idx, len(icpc) + rng.integers(0, len(INVALID_DIAGNOSES), n_invalid)])
            is_main = np.concatenate([is_main, np.zeros(n_invalid, bool)])
            self.count("invalid_diagnosis_codes", "kpr/kuhr_diagnoser", n_invalid)
        self.write("kpr/kuhr_diagnoser", pa.table({
            "enkeltregning_lnr": pa.array(bill), "diagnosekode": dictionary(code_idx, dictionary_codes),
            "kodeverk": dictionary(np.zeros(len(bill), np.int64), ["ICPC-2"]),
            "er_hoveddiagnose": pa.array(is_main)}), writer)

    def chapters_for(self, service: str, c: Contacts,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Diagnosis chapters per contact row: the report's shares among each group's valid patients;
        contacts outside follow-up get a random main diagnosis."""
        p = self.persons
        rows_all, ch_all, main_all = [], [], []
        valid_rows = np.flatnonzero(c.valid)
        order = valid_rows[np.argsort(c.person[valid_rows], kind="stable")]
        person_sorted = c.person[order]
        patients, first, n_contacts = np.unique(person_sorted, return_index=True, return_counts=True)
        for gi, g in enumerate(GROUPS):
            sel = np.flatnonzero(p.group[patients] == gi)
            if len(sel) == 0:
                continue
            pat, ch = choose_chapters(self.ref, g, service, p.sex[patients[sel]], n_contacts[sel], rng)
            rows, chapters, is_main = spread_over_contacts(pat, ch, n_contacts[sel], first[sel])
            rows_all.append(order[rows])
            ch_all.append(chapters)
            main_all.append(is_main)
        invalid = np.flatnonzero(~c.valid)
        letters = len(ICD10_LETTERS) if service == "somatic_any" else 17
        rows_all.append(invalid)
        ch_all.append(rng.integers(0, letters, len(invalid)))
        main_all.append(np.ones(len(invalid), bool))
        return np.concatenate(rows_all), np.concatenate(ch_all), np.concatenate(main_all)

    # --- NPR -----------------------------------------------------------------------------------
    def write_specialist(self) -> None:
        rng = self.rng["specialist"]
        icd, per = icd10_dictionary()
        # Somatic chapters are measured over all three levels together (somatic_any).
        som = [self.contacts[s] for s in SPECIALIST["somatikk"]]
        som_all = Contacts(*(np.concatenate([getattr(x, f) for x in som])
                             for f in ("person", "day", "valid", "irregular_kind")))
        rows, chapter, is_main = self.chapters_for("somatic_any", som_all, rng)
        n_som = len(som_all.person)
        cond = np.full((3, n_som), -1, np.int64)
        cond[0, rows[is_main]] = code_indices(chapter[is_main], per, rng)
        # Further chapters fill tilstand_1_2 then tilstand_2_1 of the patient's episodes (at most two each).
        extra_rows, extra_codes = rows[~is_main], code_indices(chapter[~is_main], per, rng)
        order = np.argsort(extra_rows, kind="stable")
        extra_rows, extra_codes = extra_rows[order], extra_codes[order]
        rank = np.arange(len(extra_rows)) - np.searchsorted(extra_rows, extra_rows, side="left")
        keep = rank < 2
        cond[1 + rank[keep], extra_rows[keep]] = extra_codes[keep]
        self.dropped_further_diagnoses = int((~keep).sum())
        offset = 0
        next_id = 500_000_000_001
        for sector, services in SPECIALIST.items():
            schema = pa.schema([("episode_lnr", pa.int64()), ("lopenr", pa.int64()), ("inndato", pa.date32()),
                                ("utdato", pa.date32()), ("aktivitetskategori3", pa.int16()),
                                *[(f"tilstand_{k}", pa.dictionary(pa.int32(), pa.string()))
                                  for k in ("1_1", "1_2", "2_1")],
                                ("institusjon", pa.dictionary(pa.int32(), pa.string()))])
            writer = self.open(f"npr/{sector}", schema)
            try:
                for level, service in enumerate(services, start=1):
                    c = self.contacts[service]
                    n = len(c.person)
                    if sector == "somatikk":
                        codes = cond[:, offset:offset + n]
                        offset += n
                        dictionary_codes = icd
                    else:
                        pool = MENTAL_ADULT_CODES if sector == "phv" else MENTAL_CHILD_CODES
                        codes = np.full((3, n), -1, np.int64)
                        codes[0] = rng.integers(0, len(pool), n)
                        codes[1] = np.where(rng.random(n) < 0.3, rng.integers(0, len(pool), n), -1)
                        dictionary_codes = list(pool)
                    stay = rng.geometric(0.25, n) if level == 1 else np.zeros(n, np.int64)
                    ids = np.arange(next_id, next_id + n, dtype=np.int64)
                    next_id += n
                    table = self.episode_table(ids, c.person, c.day, c.day + stay, level, codes, dictionary_codes, rng)
                    self.write(f"npr/{sector}", table, writer)
                if sector == "somatikk":
                    k = scaled(sum(len(self.contacts[s].person) for s in services),
                               self.rate("episodes_discharged_before_admission"))
                    who = rng.integers(0, len(self.persons), k)
                    who = who[self.persons.person_months[who] > 0]
                    day = self.persons.start_day[who] + (rng.random(len(who)) * (
                        self.persons.end_day[who] - self.persons.start_day[who] + 1)).astype(np.int64)
                    codes = np.full((3, len(who)), -1, np.int64)
                    codes[0] = rng.integers(0, len(icd), len(who))
                    ids = np.arange(next_id, next_id + len(who), dtype=np.int64)
                    next_id += len(who)
                    table = self.episode_table(ids, who, day, day - rng.integers(1, 11, len(who)), 1, codes, icd, rng)
                    self.write("npr/somatikk", table, writer)
                    self.count("episodes_discharged_before_admission", "npr/somatikk", len(who))
            finally:
                writer.close()

    def episode_table(self, ids, person, admit, discharge, level, codes, dictionary_codes, rng) -> pa.Table:
        n = len(ids)
        return pa.table({
            "episode_lnr": pa.array(ids), "lopenr": pa.array(self.person_id[person]),
            "inndato": dates(admit), "utdato": dates(discharge),
            "aktivitetskategori3": pa.array(np.full(n, level, np.int16)),
            **{f"tilstand_{k}": dictionary(np.maximum(codes[j], 0), dictionary_codes, mask=codes[j] < 0)
               for j, k in enumerate(("1_1", "1_2", "2_1"))},
            "institusjon": dictionary(rng.integers(0, len(INSTITUTIONS), n), INSTITUTIONS),
        })

    # --- HOM -----------------------------------------------------------------------------------
    def write_hom(self) -> None:
        rng = self.rng["hom"]
        parts = []
        next_id = 900_000_000_001
        codes = list(HOME_CARE_WEIGHTS) + list(INSTITUTION_WEIGHTS)
        for service, weights in (("home_care_decision", HOME_CARE_WEIGHTS),
                                 ("institution_care_decision", INSTITUTION_WEIGHTS)):
            c = self.contacts[service]
            n = len(c.person)
            w = np.array(list(weights.values()), float)
            code_idx = codes.index(next(iter(weights))) + rng.choice(len(w), n, p=w / w.sum())
            open_ended = rng.random(n) < 0.3
            to = c.day + rng.integers(7, 400, n)
            parts.append((np.arange(next_id, next_id + n), c.person, code_idx, c.day, to, open_ended))
            next_id += n
        # Decisions whose from-date is after the to-date.
        total = sum(len(x[0]) for x in parts)
        k = scaled(total, self.rate("decisions_from_after_to"))
        who = rng.integers(0, len(self.persons), k)
        who = who[self.persons.person_months[who] > 0]
        day = self.persons.start_day[who] + (rng.random(len(who)) * (
            self.persons.end_day[who] - self.persons.start_day[who] + 1)).astype(np.int64)
        parts.append((np.arange(next_id, next_id + len(who)), who, rng.integers(0, len(codes), len(who)), day,
                      day - rng.integers(1, 31, len(who)), np.zeros(len(who), bool)))
        self.count("decisions_from_after_to", "kpr/hom_vedtak", len(who))
        ids, person, code_idx, start, end, open_ended = (np.concatenate([x[i] for x in parts]) for i in range(6))
        self.write("kpr/hom_vedtak", pa.table({
            "vedtak_lnr": pa.array(ids.astype(np.int64)), "lopenr": pa.array(self.person_id[person]),
            "tjenestekode": dictionary(code_idx, codes), "fra_dato": dates(start),
            "til_dato": dates(end, mask=open_ended)}))

    # --- manifest ------------------------------------------------------------------------------
    def checksums(self) -> dict[str, str]:
        """The SHA-256 of every file written, keyed like `rows`: the door verifies them (extract_contract)."""
        paths = {name: self.out / f"{name}.parquet" for name in sorted(self.rows)}
        found = sha256_files(list(paths.values()))
        digests = {}
        for name, path in paths.items():
            digest = found[path]
            if isinstance(digest, OSError):
                raise digest
            digests[name] = digest
        return digests

    def manifest(self) -> dict:
        valid = {s: int(c.valid.sum()) for s, c in self.contacts.items()}
        return {
            "generator": "synthetic_registers",
            "generator_version": __version__,
            "scale": self.scale,
            "seed": self.seed,
            "rows": dict(sorted(self.rows.items())),
            "sha256": self.checksums(),
            "valid_contacts": valid,
            "irregularity_rates": {k: self.rate(k) for k in IRREGULARITIES},
            "irregularities": {k: self.injected.get(k, {}) for k in (*IRREGULARITIES, *COUNTED)},
            "irregularity_descriptions": {**IRREGULARITIES, **COUNTED},
            "further_diagnoses_dropped": getattr(self, "dropped_further_diagnoses", 0),
        }


def generate(scale: float, seed: int, out: Path, rates: dict[str, float] | None = None, quiet: bool = False) -> dict:
    """Write a whole extract set to `out`, all or nothing.

    The files are written into a temporary sibling directory, which replaces `out` only once every file and
    the manifest are complete; on any failure, Ctrl-C included, the temporary directory is removed and a
    previous `out` stays as it was. An existing `out` must be empty or a generator output (see out_error).
    """
    started = time.perf_counter()
    rates = dict(rates or {})
    check_arguments(scale, seed, Path(out), rates)
    out = Path(out).resolve()  # "." or "raw/" have no usable name; a symlink's target is replaced, not the link
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    partial.chmod(0o777 & ~umask)  # mkdtemp's 0700 would make the output unreadable to the group (as mkdir does not)
    try:
        extracts = Extracts(scale, seed, partial, rates, quiet)
        manifest = extracts.run()
        replace_directory(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    extracts.progress.done(f"wrote {sum(extracts.rows.values()):,} rows to {out}")
    return {**manifest, "seconds": round(time.perf_counter() - started, 1)}


def replace_directory(new: Path, target: Path) -> None:
    """Move the complete directory `new` to `target`, replacing a previous `target` only now.

    A directory cannot be renamed over a non-empty one, so the previous one is first renamed aside and put
    back if the second rename fails; it is deleted once `new` is in place.
    """
    if not target.exists():
        os.rename(new, target)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.previous-", dir=target.parent))
    os.rename(target, aside / target.name)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(aside / target.name, target)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)
