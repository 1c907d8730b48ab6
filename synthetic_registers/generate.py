"""Write a whole extract set: SSB persons and residence, KUHR bills with tariffs and diagnoses, HOM
decisions, NPR episodes per sector, and manifest.json.

Valid contacts (inside each person's follow-up) meet the published totals exactly; the irregularities real
extracts carry are added on top as extra rows, each counted in the manifest, so that none of them can reach
a published total through a warehouse that handles them.

write_extracts is the pipeline: build_basis (basis.py) builds what every writer reads, once; each writer
(ssb.py, kuhr.py, npr.py, hom.py; the irregular contact dates in contact_rows.py) takes it with its own
random stream and the rates, and returns what it wrote and injected (output.Tally), which the manifest adds up.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from extract_contract.checksums import sha256_files

from . import __version__
from .basis import build_basis
from .contact_rows import Contacts, add_irregular_dates, draw_contacts
from .hom import write_hom
from .kuhr import write_bills
from .npr import write_specialist
from .output import Tally
from .progress import Progress
from .reference import Reference
from .ssb import write_persons, write_residence

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


# One independent stream per step, so that no step's draws depend on how many another makes. "tariffs" and
# "spare" are drawn from by no step (the tariffs come from "bills").
STREAMS = ("persons", "allocate", "dates", "bills", "diagnoses", "specialist", "hom", "irregular", "ids", "ssb",
           "tariffs", "spare")


def random_streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


def full_rates(rates: dict[str, float]) -> dict[str, float]:
    """The rate of every kind of IRREGULARITIES: as given, else DEFAULT_RATE."""
    return {kind: rates.get(kind, DEFAULT_RATE) for kind in IRREGULARITIES}


def write_extracts(scale: float, seed: int, out: Path, rates: dict[str, float], progress: Progress) -> dict:
    """Write every file and manifest.json into `out` (generate() points it at a temporary directory), and
    return the manifest. `rates` holds every kind (full_rates)."""
    rng = random_streams(seed)
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("ssb", "kpr", "npr"):
        (out / sub).mkdir(exist_ok=True)
    basis = build_basis(Reference(), scale, rates["persons_missing_sex_or_birth_month"], rng["persons"],
                        rng["allocate"], rng["ids"], progress)
    progress.step("writing ssb/persons and ssb/residence")
    persons, status = write_persons(basis, out, rng["ssb"], rates)
    residence = write_residence(basis, status, out)
    progress.step("drawing contact dates")
    contacts = draw_contacts(basis, rng["dates"])
    contacts, irregular_dates = add_irregular_dates(basis.persons, contacts, rng["irregular"], rates)
    bills = write_bills(basis, contacts, out, rng["bills"], rng["diagnoses"], rates, progress)
    progress.step("writing npr episodes")
    specialist, dropped_further_diagnoses = write_specialist(basis, contacts, out, rng["specialist"], rates)
    progress.step("writing kpr/hom_vedtak")
    hom = write_hom(basis, contacts, out, rng["hom"], rates)
    tally = Tally.combined([persons, residence, irregular_dates, bills, specialist, hom])
    result = manifest(scale, seed, rates, tally, checksums(out, tally.rows), contacts, dropped_further_diagnoses)
    (out / MANIFEST).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def checksums(out: Path, rows: dict[str, int]) -> dict[str, str]:
    """The SHA-256 of every file written, keyed like `rows`: the door verifies them (extract_contract)."""
    paths = {name: out / f"{name}.parquet" for name in sorted(rows)}
    found = sha256_files(list(paths.values()))
    digests = {}
    for name, path in paths.items():
        digest = found[path]
        if isinstance(digest, OSError):
            raise digest
        digests[name] = digest
    return digests


def manifest(scale: float, seed: int, rates: dict[str, float], tally: Tally, sha256: dict[str, str],
             contacts: dict[str, Contacts], dropped_further_diagnoses: int) -> dict:
    return {
        "generator": "synthetic_registers",
        "generator_version": __version__,
        "scale": scale,
        "seed": seed,
        "rows": dict(sorted(tally.rows.items())),
        "sha256": sha256,
        "valid_contacts": {s: int(c.valid.sum()) for s, c in contacts.items()},
        "irregularity_rates": {k: rates[k] for k in IRREGULARITIES},
        "irregularities": {k: tally.injected.get(k, {}) for k in (*IRREGULARITIES, *COUNTED)},
        "irregularity_descriptions": {**IRREGULARITIES, **COUNTED},
        "further_diagnoses_dropped": dropped_further_diagnoses,
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
    progress = Progress(total=11, quiet=quiet)
    try:
        written = write_extracts(scale, seed, partial, full_rates(rates), progress)
        replace_directory(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    progress.done(f"wrote {sum(written['rows'].values()):,} rows to {out}")
    return {**written, "seconds": round(time.perf_counter() - started, 1)}


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
