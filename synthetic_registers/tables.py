"""Arrow tables in the shapes of docs/extracts.md, built from integer arrays.

Strings are written as dictionary arrays (a few distinct values over millions of rows), so memory and
Parquet size stay small at national scale.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from . import calendar as cal

# Every bill's time of day: an index into the 1,440 minutes of a day.
CLOCK = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]


def dictionary(indices: np.ndarray, values: Sequence[str | None], mask: np.ndarray | None = None) -> pa.Array:
    """A dictionary-encoded string column; `mask` marks nulls."""
    idx = pa.array(np.asarray(indices, dtype=np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(values), pa.string()))


def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.int32(), mask=mask).cast(pa.date32())


def clock(rng: np.random.Generator, n: int, first_hour: np.ndarray, hours: np.ndarray) -> pa.Array:
    """Times of day uniformly within [first_hour, first_hour + hours) (wrapping past midnight)."""
    minute = (first_hour * 60 + (rng.random(n) * hours * 60).astype(np.int64)) % 1440
    return dictionary(minute, CLOCK)


def year_of(days: np.ndarray) -> np.ndarray:
    return cal.year_month(days)[0]
