"""SSB files: ssb/persons (one row per person, plus extra persons without sex or birth month) and
ssb/residence (one row per person resident on 1 January of each year)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import calendar as cal
from .basis import Basis
from .output import Files, Tally
from .tables import dates, dictionary, year_of

YEARS = (2022, 2023, 2024)


def write_persons(basis: Basis, out: Path, rng: np.random.Generator,
                  rates: Mapping[str, float]) -> tuple[Tally, dict[int, np.ndarray]]:
    """Write ssb/persons; return its tally and each person's status on 1 January of each year (0 not yet
    born or settled, written as null; 1 resident; 3 emigrated; 5 dead), which ssb/residence follows."""
    files = Files(out)
    p = basis.persons
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
    for year in YEARS:
        d = cal.day(f"{year}-01-01")
        present = (birth_day <= d) & (~immigrant | (settle <= d))
        left = (p.exit_day >= 0) & (p.exit_day < d)
        status[year] = np.where(present & left, np.where(p.exit_kind == 1, 5, 3), np.where(present, 1, 0))
    settle_year = year_of(np.maximum(settle, 0))
    muni_idx, muni_old = basis.codes.indices(p.municipality, settle_year)
    files.count("pre_2024_municipality_codes", "ssb/persons", int((muni_old & immigrant).sum()))
    # Extra persons without sex or birth month: ordinary general-population people otherwise.
    k = len(basis.unusable_id)
    u_sex = rng.integers(1, 3, k)
    u_missing_sex = rng.random(k) < 0.5
    table = pa.table({
        "lopenr": pa.array(np.concatenate([basis.person_id, basis.unusable_id])),
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
        "bosettingskommune": dictionary(np.concatenate([muni_idx, np.zeros(k, np.int64)]), basis.codes.dictionary,
                                        mask=np.concatenate([~immigrant, np.ones(k, bool)])),
        **{f"status_{y}0101": pa.array(np.concatenate([status[y], np.ones(k, np.int64)]).astype(np.int16),
                                        mask=np.concatenate([status[y] == 0, np.zeros(k, bool)]))
           for y in YEARS},
        "doedsdato": dates(np.concatenate([p.exit_day, np.zeros(k, np.int64)]),
                           mask=np.concatenate([p.exit_kind != 1, np.ones(k, bool)])),
        "utvandringsdato": dates(np.concatenate([p.exit_day, np.zeros(k, np.int64)]),
                                 mask=np.concatenate([p.exit_kind != 2, np.ones(k, bool)])),
    })
    order = rng.permutation(table.num_rows)
    files.write("ssb/persons", table.take(pa.array(order)))
    files.count("persons_missing_sex_or_birth_month", "ssb/persons", k)
    return files.tally, status


def write_residence(basis: Basis, status: Mapping[int, np.ndarray], out: Path) -> Tally:
    """Write ssb/residence: every person with status 1 (resident) on 1 January, each year in its own
    municipality structure."""
    files = Files(out)
    p = basis.persons
    parts = []
    old_rows = 0
    for year in YEARS:
        who = np.flatnonzero(status[year] == 1)
        idx, old = basis.codes.indices(p.municipality[who], np.full(len(who), year))
        old_rows += int(old.sum())
        parts.append(pa.table({"lopenr": pa.array(basis.person_id[who]),
                               "aargang": pa.array(np.full(len(who), year, np.int16)),
                               "komm_nr": dictionary(idx, basis.codes.dictionary)}))
    files.write("ssb/residence", pa.concat_tables(parts))
    files.count("pre_2024_municipality_codes", "ssb/residence", old_rows)
    return files.tally
