"""NPR files: one episode per specialist contact, per sector (npr/somatikk, npr/phv, npr/phbu)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from .allocation import scaled
from .basis import Basis
from .contact_rows import SPECIALIST, Contacts
from .diagnoses import chapters_for_contacts, code_indices, icd10_dictionary
from .output import Files, Tally
from .tables import dates, dictionary

# Institutions (fictitious 9-digit organisation numbers).
INSTITUTIONS = tuple(f"99{k:07d}" for k in range(101, 131))
MENTAL_ADULT_CODES = ("F32", "F321", "F33", "F41", "F411", "F43", "F431", "F20", "F31", "F60", "F10", "F50")
MENTAL_CHILD_CODES = ("F90", "F900", "F84", "F845", "F93", "F92", "F43", "F431", "F32", "F41", "F50", "F98")
EPISODE_SCHEMA = pa.schema([("episode_lnr", pa.int64()), ("lopenr", pa.int64()), ("inndato", pa.date32()),
                            ("utdato", pa.date32()), ("aktivitetskategori3", pa.int16()),
                            *[(f"tilstand_{k}", pa.dictionary(pa.int32(), pa.string()))
                              for k in ("1_1", "1_2", "2_1")],
                            ("institusjon", pa.dictionary(pa.int32(), pa.string()))])


def write_specialist(basis: Basis, contacts: Mapping[str, Contacts], out: Path, rng: np.random.Generator,
                     rates: Mapping[str, float]) -> tuple[Tally, int]:
    """Write the three NPR files, with the somatic episodes discharged before admission; return the tally
    and how many further somatic diagnoses found no free condition column (at most two per episode)."""
    files = Files(out)
    persons = basis.persons
    icd, per = icd10_dictionary()
    # Somatic chapters are measured over all three levels together (somatic_any).
    som = [contacts[s] for s in SPECIALIST["somatikk"]]
    som_all = Contacts(*(np.concatenate([getattr(x, f) for x in som])
                         for f in ("person", "day", "valid", "irregular_kind")))
    rows, chapter, is_main = chapters_for_contacts(basis.ref, persons, "somatic_any", som_all.person, som_all.valid,
                                                   rng)
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
    dropped_further_diagnoses = int((~keep).sum())
    offset = 0
    next_id = 500_000_000_001
    for sector, services in SPECIALIST.items():
        writer = files.open(f"npr/{sector}", EPISODE_SCHEMA)
        try:
            for level, service in enumerate(services, start=1):
                c = contacts[service]
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
                table = episode_table(basis.person_id, ids, c.person, c.day, c.day + stay, level, codes,
                                      dictionary_codes, rng)
                files.write(f"npr/{sector}", table, writer)
            if sector == "somatikk":
                k = scaled(sum(len(contacts[s].person) for s in services),
                           rates["episodes_discharged_before_admission"])
                who = rng.integers(0, len(persons), k)
                who = who[persons.person_months[who] > 0]
                day = persons.start_day[who] + (rng.random(len(who)) * (
                    persons.end_day[who] - persons.start_day[who] + 1)).astype(np.int64)
                codes = np.full((3, len(who)), -1, np.int64)
                codes[0] = rng.integers(0, len(icd), len(who))
                ids = np.arange(next_id, next_id + len(who), dtype=np.int64)
                next_id += len(who)
                table = episode_table(basis.person_id, ids, who, day, day - rng.integers(1, 11, len(who)), 1, codes,
                                      icd, rng)
                files.write("npr/somatikk", table, writer)
                files.count("episodes_discharged_before_admission", "npr/somatikk", len(who))
        finally:
            writer.close()
    return files.tally, dropped_further_diagnoses


def episode_table(person_id: np.ndarray, ids: np.ndarray, person: np.ndarray, admit: np.ndarray,
                  discharge: np.ndarray, level: int, codes: np.ndarray, dictionary_codes: Sequence[str],
                  rng: np.random.Generator) -> pa.Table:
    """Episodes `ids` of the persons at index `person` (lopenr from `person_id`); `codes` holds the three
    condition columns' indices into `dictionary_codes`, -1 for none."""
    n = len(ids)
    return pa.table({
        "episode_lnr": pa.array(ids), "lopenr": pa.array(person_id[person]),
        "inndato": dates(admit), "utdato": dates(discharge),
        "aktivitetskategori3": pa.array(np.full(n, level, np.int16)),
        **{f"tilstand_{k}": dictionary(np.maximum(codes[j], 0), dictionary_codes, mask=codes[j] < 0)
           for j, k in enumerate(("1_1", "1_2", "2_1"))},
        "institusjon": dictionary(rng.integers(0, len(INSTITUTIONS), n), INSTITUTIONS),
    })
