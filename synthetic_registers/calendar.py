"""Vectorised date arithmetic on integer day numbers (days since 1970-01-01), as the warehouse counts.

Follow-up intervals are inclusive at both ends. Person-months are exact: in each calendar month the
followed days divided by the days in that month, summed (docs/study.md, CONVENTIONS.md).
"""

from __future__ import annotations

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")


def day(iso: str) -> int:
    """Day number of an ISO date."""
    return int((np.datetime64(iso, "D") - EPOCH).astype(np.int64))


INCLUSION_START = day("2022-04-01")
INCLUSION_END = day("2023-12-31")


def to_datetime64(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]")


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of each day (so a difference of two is a number of calendar months)."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_start(month_idx: np.ndarray) -> np.ndarray:
    return np.asarray(month_idx, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def days_in_month(month_idx: np.ndarray) -> np.ndarray:
    return month_start(np.asarray(month_idx) + 1) - month_start(month_idx)


def year_month(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = month_index(days)
    return 1970 + m // 12, m % 12 + 1


def person_months(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Exact person-months of inclusive intervals [start, end]; 0 where end < start."""
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    ms, me = month_index(start), month_index(end)
    len_s, len_e = days_in_month(ms), days_in_month(me)
    day_s = start - month_start(ms)  # 0-based day of month
    day_e = end - month_start(me)
    same = ms == me
    out = np.where(
        same,
        (day_e - day_s + 1) / len_s,
        (len_s - day_s) / len_s + (me - ms - 1) + (day_e + 1) / len_e,
    )
    return np.where(end < start, 0.0, out)


def completed_years(birth_year: np.ndarray, birth_month: np.ndarray, on_day: np.ndarray) -> np.ndarray:
    """Age in completed years on a day, with the birth date taken as the 1st of the birth month."""
    y, m = year_month(on_day)
    return y - birth_year - (m < birth_month).astype(np.int64)
