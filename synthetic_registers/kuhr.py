"""KUHR files: kpr/kuhr_regninger (one bill per contact), kpr/kuhr_takster (the tariffs of each bill) and
kpr/kuhr_diagnoser (the ICPC-2 diagnoses of each bill)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import calendar as cal
from .allocation import pick_exact, scaled
from .basis import Basis
from .contact_rows import BILL_SERVICES, Contacts
from .diagnoses import chapters_for_contacts, code_indices, icpc2_dictionary
from .output import Files, Tally
from .progress import Progress
from .reference import GROUPS
from .tables import clock, dates, dictionary, year_of

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

BILL_SCHEMA = pa.schema([("enkeltregning_lnr", pa.int64()), ("KPR_lnr", pa.int64()), ("dato", pa.date32()),
                         ("klokkeslett", pa.dictionary(pa.int32(), pa.string())),
                         ("tjenestetype", pa.int16()),
                         ("praksistype", pa.dictionary(pa.int32(), pa.string())),
                         ("kommuneNr", pa.dictionary(pa.int32(), pa.string()))])
TARIFF_SCHEMA = pa.schema([("enkeltregning_lnr", pa.int64()),
                           ("takstkode", pa.dictionary(pa.int32(), pa.string())), ("antall", pa.int16())])
DIAGNOSIS_SCHEMA = pa.schema([("enkeltregning_lnr", pa.int64()),
                              ("diagnosekode", pa.dictionary(pa.int32(), pa.string())),
                              ("kodeverk", pa.dictionary(pa.int32(), pa.string())),
                              ("er_hoveddiagnose", pa.bool_())])


def write_bills(basis: Basis, contacts: Mapping[str, Contacts], out: Path, rng: np.random.Generator,
                rng_diagnoses: np.random.Generator, rates: Mapping[str, float], progress: Progress) -> Tally:
    """Write the three KUHR files for the BILL_SERVICES' contacts, with the extra bills and the irregular
    tariff, diagnosis and duplicate rows; `rng_diagnoses` draws the diagnoses, `rng` everything else."""
    files = Files(out)
    persons = basis.persons
    writers = {"bills": files.open("kpr/kuhr_regninger", BILL_SCHEMA),
               "tariffs": files.open("kpr/kuhr_takster", TARIFF_SCHEMA),
               "diagnoses": files.open("kpr/kuhr_diagnoser", DIAGNOSIS_SCHEMA)}
    next_id = 100_000_000_001
    try:
        for service in BILL_SERVICES:
            progress.step(f"writing kpr bills: {service}")
            c = contacts[service]
            # Extra bills: unusable persons' GP bills, and GP bills with no tariff row.
            extra_person: np.ndarray | None = None
            extra_day: np.ndarray | None = None
            if service == "gp_contact":
                n_bare = scaled(int(c.valid.sum()), rates["bills_without_tariff"])
                who = rng.integers(0, len(persons), n_bare)
                who = who[persons.person_months[who] > 0]
                day = persons.start_day[who] + (rng.random(len(who)) * (
                    persons.end_day[who] - persons.start_day[who] + 1)).astype(np.int64)
                extra_person, extra_day = who, day
            ids = np.arange(next_id, next_id + len(c.person), dtype=np.int64)
            next_id += len(c.person)
            write_bills_and_tariffs(basis, files, writers, service, c, ids, rng, rates)
            write_bill_diagnoses(basis, files, writers["diagnoses"], service, c, ids, rng_diagnoses,
                                 rates["invalid_diagnosis_codes"])
            if extra_person is not None and extra_day is not None:
                bare_ids = np.arange(next_id, next_id + len(extra_person), dtype=np.int64)
                next_id += len(extra_person)
                write_bill_rows(basis, files, writers["bills"], service, bare_ids, basis.person_id[extra_person],
                                extra_day, persons.municipality[extra_person], np.zeros(len(bare_ids), bool), rng,
                                duplicate_rate=0)
                files.count("bills_without_tariff", "kpr/kuhr_regninger", len(bare_ids))
                # The unusable persons' bills: one GP consultation each, in 2023.
                k = len(basis.unusable_id)
                u_ids = np.arange(next_id, next_id + k, dtype=np.int64)
                next_id += k
                u_day = cal.day("2023-01-01") + rng.integers(0, 365, k)
                u_muni = rng.integers(0, len(basis.codes.code_of), k)
                write_bill_rows(basis, files, writers["bills"], service, u_ids, basis.unusable_id, u_day, u_muni,
                                np.zeros(k, bool), rng, duplicate_rate=0)
                files.write(
                    "kpr/kuhr_takster",
                    pa.table({"enkeltregning_lnr": pa.array(u_ids),
                              "takstkode": dictionary(np.zeros(k, np.int64), ["2ad"]),
                              "antall": pa.array(np.ones(k, np.int16))}, schema=TARIFF_SCHEMA),
                    writers["tariffs"])
    finally:
        for w in writers.values():
            w.close()
    return files.tally


def write_bill_rows(basis: Basis, files: Files, writer: pq.ParquetWriter, service: str, ids: np.ndarray,
                    person_id: np.ndarray, day: np.ndarray, municipality: np.ndarray, evening: np.ndarray,
                    rng: np.random.Generator, duplicate_rate: float) -> None:
    """Append one kpr/kuhr_regninger row per bill `ids`, then exact copies of round(duplicate_rate x bills)
    of them (0 for the extra bills, which are never copied)."""
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
    muni_idx, _ = basis.codes.indices(municipality, year_of(day))
    table = pa.table({
        "enkeltregning_lnr": pa.array(ids), "KPR_lnr": pa.array(person_id), "dato": dates(day),
        "klokkeslett": clock(rng, n, first_hour, hours),
        "tjenestetype": pa.array(tjenestetype.astype(np.int16)),
        "praksistype": dictionary(praksis,
                                  ["FALE", "FALO", "FATU", "LEVA", "LEKO", "KOLE", "JORD", "TANN", "TAPL"]),
        "kommuneNr": dictionary(muni_idx, basis.codes.dictionary),
    })
    k = scaled(n, duplicate_rate)
    if k:
        table = pa.concat_tables([table, table.take(pa.array(rng.choice(n, k, replace=False)))])
        files.count("duplicate_bill_rows", "kpr/kuhr_regninger", k)
    files.write("kpr/kuhr_regninger", table, writer)


def write_bills_and_tariffs(basis: Basis, files: Files, writers: Mapping[str, pq.ParquetWriter], service: str,
                            c: Contacts, ids: np.ndarray, rng: np.random.Generator,
                            rates: Mapping[str, float]) -> None:
    """Append the bills `ids` of the contacts `c` and their tariff rows: the main tariff of each bill, its
    supplements, unknown tariff codes on valid bills, and duplicated tariff rows."""
    p = basis.persons
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
                                            scaled(basis.ref.table2[consult_service][g], basis.scale))]] = True
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
                share = basis.ref.table2["gp_consultation_pct_time_or_interpreter_age_20_49"][g] / 100
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
    write_bill_rows(basis, files, writers["bills"], service, ids, basis.person_id[c.person], c.day,
                    p.municipality[c.person], evening, rng, duplicate_rate=rates["duplicate_bill_rows"])
    # Unknown tariff codes on valid bills (the bill keeps its known tariff).
    n_unknown = scaled(int(c.valid.sum()), rates["unknown_tariff_codes"])
    if n_unknown:
        on = rng.choice(np.flatnonzero(c.valid), n_unknown, replace=False)
        rows_bill.append(ids[on])
        rows_code.append(code(UNKNOWN_TARIFFS)[rng.integers(0, len(UNKNOWN_TARIFFS), n_unknown)])
        rows_count.append(np.ones(n_unknown, np.int64))
        files.count("unknown_tariff_codes", "kpr/kuhr_takster", n_unknown)
    bill = np.concatenate([ids, *rows_bill])
    tcode = np.concatenate([main, *rows_code])
    tcount = np.concatenate([np.ones(n, np.int64), *rows_count])
    k = scaled(len(bill), rates["duplicate_tariff_rows"])
    if k:
        dup = rng.choice(len(bill), k, replace=False)
        bill, tcode, tcount = (np.concatenate([a, a[dup]]) for a in (bill, tcode, tcount))
        files.count("duplicate_tariff_rows", "kpr/kuhr_takster", k)
    files.write("kpr/kuhr_takster", pa.table({"enkeltregning_lnr": pa.array(bill),
                                              "takstkode": dictionary(tcode, codes),
                                              "antall": pa.array(tcount.astype(np.int16))}),
                writers["tariffs"])


def write_bill_diagnoses(basis: Basis, files: Files, writer: pq.ParquetWriter, service: str, c: Contacts,
                         ids: np.ndarray, rng: np.random.Generator, invalid_rate: float) -> None:
    """Append the ICPC-2 diagnoses of the bills `ids` (none for dental bills), then round(invalid_rate x valid
    bills) further diagnoses with an invalid code."""
    if service.startswith("dental"):
        return  # dental bills carry no diagnosis in this extract
    icpc, per = icpc2_dictionary()
    dictionary_codes = icpc + list(INVALID_DIAGNOSES)
    if service == "midwife":
        chapter = np.full(len(ids), "ABDFHKLNPRSTUWXYZ".index("W"))
        rows, is_main = np.arange(len(ids)), np.ones(len(ids), bool)
    else:
        rows, chapter, is_main = chapters_for_contacts(basis.ref, basis.persons, service, c.person, c.valid, rng)
    code_idx = code_indices(chapter, per, rng)
    bill = ids[rows]
    n_invalid = scaled(int(c.valid.sum()), invalid_rate)
    if n_invalid:
        on = rng.choice(np.flatnonzero(c.valid), n_invalid, replace=False)
        bill = np.concatenate([bill, ids[on]])
        code_idx = np.concatenate([code_idx, len(icpc) + rng.integers(0, len(INVALID_DIAGNOSES), n_invalid)])
        is_main = np.concatenate([is_main, np.zeros(n_invalid, bool)])
        files.count("invalid_diagnosis_codes", "kpr/kuhr_diagnoser", n_invalid)
    files.write("kpr/kuhr_diagnoser", pa.table({
        "enkeltregning_lnr": pa.array(bill), "diagnosekode": dictionary(code_idx, dictionary_codes),
        "kodeverk": dictionary(np.zeros(len(bill), np.int64), ["ICPC-2"]),
        "er_hoveddiagnose": pa.array(is_main)}), writer)
