"""kpr/hom_vedtak: one home-care or institution decision per HOM_SERVICES contact."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa

from .allocation import scaled
from .basis import Basis
from .contact_rows import Contacts
from .output import Files, Tally
from .tables import dates, dictionary

HOME_CARE_WEIGHTS = {"1": 10, "2": 2, "3": 1, "4": 3, "5": 3, "6": 12, "7": 2, "9": 3, "11": 1, "15": 25}
INSTITUTION_WEIGHTS = {"8": 6, "17": 4, "18": 20, "19": 10, "20": 15, "21": 8}


def write_hom(basis: Basis, contacts: Mapping[str, Contacts], out: Path, rng: np.random.Generator,
              rates: Mapping[str, float]) -> Tally:
    """Write kpr/hom_vedtak, with the decisions whose from-date is after the to-date."""
    files = Files(out)
    persons = basis.persons
    parts = []
    next_id = 900_000_000_001
    codes = list(HOME_CARE_WEIGHTS) + list(INSTITUTION_WEIGHTS)
    for service, weights in (("home_care_decision", HOME_CARE_WEIGHTS),
                             ("institution_care_decision", INSTITUTION_WEIGHTS)):
        c = contacts[service]
        n = len(c.person)
        w = np.array(list(weights.values()), float)
        code_idx = codes.index(next(iter(weights))) + rng.choice(len(w), n, p=w / w.sum())
        open_ended = rng.random(n) < 0.3
        to = c.day + rng.integers(7, 400, n)
        parts.append((np.arange(next_id, next_id + n), c.person, code_idx, c.day, to, open_ended))
        next_id += n
    # Decisions whose from-date is after the to-date.
    total = sum(len(x[0]) for x in parts)
    k = scaled(total, rates["decisions_from_after_to"])
    who = rng.integers(0, len(persons), k)
    who = who[persons.person_months[who] > 0]
    day = persons.start_day[who] + (rng.random(len(who)) * (
        persons.end_day[who] - persons.start_day[who] + 1)).astype(np.int64)
    parts.append((np.arange(next_id, next_id + len(who)), who, rng.integers(0, len(codes), len(who)), day,
                  day - rng.integers(1, 31, len(who)), np.zeros(len(who), bool)))
    files.count("decisions_from_after_to", "kpr/hom_vedtak", len(who))
    ids, person, code_idx, start, end, open_ended = (np.concatenate([x[i] for x in parts]) for i in range(6))
    files.write("kpr/hom_vedtak", pa.table({
        "vedtak_lnr": pa.array(ids.astype(np.int64)), "lopenr": pa.array(basis.person_id[person]),
        "tjenestekode": dictionary(code_idx, codes), "fra_dato": dates(start),
        "til_dato": dates(end, mask=open_ended)}))
    return files.tally
