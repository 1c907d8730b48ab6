"""Diagnosis chapters per patient, and the codes that carry them on bills and episodes.

The report measures, among persons with at least one contact with a service, the share with at least one
diagnosis in each chapter (first letter). For each (group, service) the generator picks exactly
round(share x patients) patients per chapter: the report's quoted shares where it quotes one (W and X among
women), a plausible default otherwise. Every patient gets at least one chapter; the chapters are then spread
over the patient's contacts (one main diagnosis per contact, the rest as further diagnoses).
"""

from __future__ import annotations

import numpy as np

from .allocation import weighted_order
from .population import Persons
from .reference import GROUPS, Reference

ICPC2_CHAPTERS = tuple("ABDFHKLNPRSTUWXYZ")
ICD10_LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
FEMALE_ONLY = {"W", "X", "O"}  # ICPC-2 W/X; ICD-10 O (pregnancy)
MALE_ONLY = {"Y"}  # ICPC-2 Y (male genital); ICD-10 Y is external causes, handled per code system
AMONG_WOMEN = {"W", "X"}  # shares the report gives among women

# Default % of patients with a chapter where the report quotes none (W/X/O among women, Y among men).
DEFAULT_SHARES = {
    "gp_contact": {"A": 62, "B": 4, "D": 19, "F": 5, "H": 6, "K": 12, "L": 35, "N": 8, "P": 18, "R": 36,
                   "S": 16, "T": 18, "U": 6, "W": 7, "X": 7, "Y": 4, "Z": 3},
    "out_of_hours_contact": {"A": 44, "B": 1, "D": 15, "F": 4, "H": 8, "K": 5, "L": 18, "N": 5, "P": 4,
                             "R": 20, "S": 12, "T": 3, "U": 6, "W": 3, "X": 3, "Y": 2, "Z": 1},
    "somatic_any": {"A": 3, "B": 2, "C": 5, "D": 7, "E": 6, "F": 2, "G": 6, "H": 8, "I": 8, "J": 8, "K": 10,
                    "L": 6, "M": 18, "N": 8, "O": 6, "Q": 2, "R": 30, "S": 14, "T": 4, "Z": 46},
}
# Chapters a patient without any chosen chapter falls back to (never a chapter the report pins).
FALLBACK = {"gp_contact": "KNHFUB", "out_of_hours_contact": "HNUKFB", "somatic_any": "ZJIK"}
CODE_SYSTEM = {"gp_contact": "ICPC-2", "out_of_hours_contact": "ICPC-2", "somatic_any": "ICD-10"}


def chapter_shares(ref: Reference, group: str, service: str) -> tuple[dict[str, float], set[str]]:
    """% of patients per chapter for a group and service, and the chapters the report pins."""
    shares: dict[str, float] = dict(DEFAULT_SHARES[service])
    pinned: set[str] = set()
    for r in ref.text_figures:
        if r["topic"] != "diagnosis_chapter" or r["service"] != service:
            continue
        if r["group"] not in (group, "all_groups") or not r["measure"].startswith("pct_patients_chapter_"):
            continue
        chapter = r["measure"].rsplit("_", 1)[1]
        shares[chapter] = (float(r["value_low"]) + float(r["value_high"])) / 2
        pinned.add(chapter)
    return shares, pinned


def choose_chapters(ref: Reference, group: str, service: str, patient_sex: np.ndarray,
                    patient_contacts: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Chapters per patient as flat arrays (patient index, chapter letter index), patients in order."""
    letters = ICPC2_CHAPTERS if CODE_SYSTEM[service] == "ICPC-2" else ICD10_LETTERS
    shares, pinned = chapter_shares(ref, group, service)
    n = len(patient_sex)
    female = patient_sex == 2
    male = ~female
    has = np.zeros((n, len(letters)), dtype=bool)
    weight = np.sqrt(np.maximum(patient_contacts, 1).astype(float))
    for chapter, pct in sorted(shares.items()):
        if chapter not in letters:
            continue
        if chapter in FEMALE_ONLY:
            eligible = np.flatnonzero(female)
        elif chapter in MALE_ONLY and CODE_SYSTEM[service] == "ICPC-2":
            eligible = np.flatnonzero(male)
        else:
            eligible = np.arange(n)
        # The report gives W and X (ICPC-2) among women; every other share, O included, among all patients.
        base = len(eligible) if chapter in AMONG_WOMEN and CODE_SYSTEM[service] == "ICPC-2" else n
        k = min(int(np.floor(pct / 100 * base + 0.5)), len(eligible))
        if k:
            chosen = eligible[weighted_order(rng, weight[eligible])[:k]]
            has[chosen, letters.index(chapter)] = True
    empty = np.flatnonzero(~has.any(axis=1))
    if len(empty):
        fallback = [letters.index(c) for c in FALLBACK[service] if c not in pinned]
        has[empty, np.asarray(fallback)[rng.integers(0, len(fallback), len(empty))]] = True
    patient, chapter_index = np.nonzero(has)
    # Shuffle the chapters within each patient so that the main diagnosis is not always the first letter.
    order = np.lexsort((rng.random(len(patient)), patient))
    return patient[order], chapter_index[order]


def spread_over_contacts(patient: np.ndarray, chapter: np.ndarray, contacts_per_patient: np.ndarray,
                         first_contact: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Assign each patient's chapters to their contacts (contiguous from first_contact[patient]).

    Contact j (0-based within the patient) gets chapter j mod |chapters| as its main diagnosis; chapters
    beyond the patient's number of contacts become further diagnoses, round-robin over the contacts.
    Returns (contact row, chapter, is_main) arrays."""
    n_ch = np.bincount(patient, minlength=len(contacts_per_patient))
    ch_start = np.concatenate([[0], np.cumsum(n_ch)[:-1]])
    # Main diagnoses: one per contact.
    n_contacts = contacts_per_patient.astype(np.int32)
    contact_patient = np.repeat(np.arange(len(n_contacts), dtype=np.int32), n_contacts)
    rank = np.arange(n_contacts.sum(), dtype=np.int32) - np.repeat(
        (np.cumsum(n_contacts) - n_contacts).astype(np.int32), n_contacts)
    main_rows = first_contact[contact_patient] + rank
    main_ch = chapter[ch_start[contact_patient] + rank % n_ch[contact_patient]]
    # Further diagnoses: chapters whose position in the patient's list is at or past the contact count.
    pos = np.arange(len(patient)) - ch_start[patient]
    extra = pos >= n_contacts[patient]
    extra_rows = first_contact[patient[extra]] + pos[extra] % n_contacts[patient[extra]]
    rows = np.concatenate([main_rows, extra_rows])
    chapters = np.concatenate([main_ch, chapter[extra]])
    is_main = np.concatenate([np.ones(len(main_rows), bool), np.zeros(int(extra.sum()), bool)])
    return rows, chapters, is_main


def chapters_for_contacts(ref: Reference, persons: Persons, service: str, person: np.ndarray, valid: np.ndarray,
                          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Diagnosis chapters per contact row (contacts of `person`, inside follow-up where `valid`): the
    report's shares among each group's valid patients; contacts outside follow-up get a random main
    diagnosis. Returns (contact row, chapter, is_main) arrays."""
    rows_all, ch_all, main_all = [], [], []
    valid_rows = np.flatnonzero(valid)
    order = valid_rows[np.argsort(person[valid_rows], kind="stable")]
    person_sorted = person[order]
    patients, first, n_contacts = np.unique(person_sorted, return_index=True, return_counts=True)
    for gi, g in enumerate(GROUPS):
        sel = np.flatnonzero(persons.group[patients] == gi)
        if len(sel) == 0:
            continue
        pat, ch = choose_chapters(ref, g, service, persons.sex[patients[sel]], n_contacts[sel], rng)
        rows, chapters, is_main = spread_over_contacts(pat, ch, n_contacts[sel], first[sel])
        rows_all.append(order[rows])
        ch_all.append(chapters)
        main_all.append(is_main)
    invalid = np.flatnonzero(~valid)
    letters = len(ICD10_LETTERS) if service == "somatic_any" else 17
    rows_all.append(invalid)
    ch_all.append(rng.integers(0, letters, len(invalid)))
    main_all.append(np.ones(len(invalid), bool))
    return np.concatenate(rows_all), np.concatenate(ch_all), np.concatenate(main_all)


def icpc2_dictionary() -> tuple[list[str], int]:
    """All ICPC-2 codes used: chapter letter + 01-29 (symptoms) or 70-99 (diagnoses); codes per chapter."""
    numbers = [f"{k:02d}" for k in (*range(1, 30), *range(70, 100))]
    return [c + k for c in ICPC2_CHAPTERS for k in numbers], len(numbers)


def icd10_dictionary() -> tuple[list[str], int]:
    """ICD-10 codes without dot: letter + 00-99 and one four-character subcode each; codes per letter."""
    per_letter = [f"{k:02d}" for k in range(100)] + [f"{k:02d}{k % 10}" for k in range(100)]
    return [c + k for c in ICD10_LETTERS for k in per_letter], len(per_letter)


def code_indices(chapter: np.ndarray, per_chapter: int, rng: np.random.Generator) -> np.ndarray:
    """A random code of each chapter, as an index into the chapter-ordered dictionary."""
    return (chapter.astype(np.int64) * per_chapter + rng.integers(0, per_chapter, len(chapter))).astype(np.int32)
