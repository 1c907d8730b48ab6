"""How the report prints numbers: the one place that turns a mart value into the text of a cell.

The rendered tables and the browser test both use these functions, so a cell on a page can be compared
with the BI export value by value.

- counts: integers with a narrow no-break space between thousands (Norwegian style, "148 346");
- per-person values, rates, percentages, means: one decimal, rounded half up as the report rounds
  (2.25 -> 2.3, not Python's round-half-even on the binary value), decimal point;
- confidence intervals: "lower–upper" (en dash), each bound as above;
- a hidden (suppressed) value: "-", as the report prints it; a value that does not apply (e.g. years since
  settlement for the general population): "n/a".
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsFloat, cast

SUPPRESSED = "-"
NOT_APPLICABLE = "n/a"
THOUSANDS_SEPARATOR = "\u202f"  # narrow no-break space: the separator never wraps a number in two
DECIMAL_MARK = "."
CI_DASH = "\u2013"


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))  # noqa: PLR0124
    except TypeError:  # pandas.NA refuses bool()
        return True


def _float(value: object) -> float:
    """float(value) for a value that is not missing: a mart value is then a number (Python, numpy or Decimal)."""
    return float(cast(SupportsFloat, value))


def _group_thousands(digits: str) -> str:
    head, _, tail = digits.partition(".")
    sign = "-" if head.startswith("-") else ""
    head = head.lstrip("-")
    groups: list[str] = []
    while len(head) > 3:
        groups.insert(0, head[-3:])
        head = head[:-3]
    groups.insert(0, head)
    text = sign + THOUSANDS_SEPARATOR.join(groups)
    return text + (DECIMAL_MARK + tail if tail else "")


def fmt_count(value: object, missing: str = SUPPRESSED) -> str:
    """A count of persons, contacts or municipalities: '148 346'; missing -> '-' (or `missing`)."""
    if is_missing(value):
        return missing
    number = _float(value)
    if not number.is_integer():
        raise ValueError(f"a count must be a whole number, got {value!r}")
    return _group_thousands(str(int(number)))


def fmt_decimal(value: object, decimals: int = 1, missing: str = SUPPRESSED) -> str:
    """A per-person value, rate, percentage or mean, rounded half up: '2.3'; missing -> '-'."""
    if is_missing(value):
        return missing
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(_float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never print '-0.0'
    return _group_thousands(f"{rounded:f}")


def fmt_ci(lower: object, upper: object, decimals: int = 1, missing: str = SUPPRESSED) -> str:
    """A 95 % confidence interval: '2.3–2.5'; either bound missing -> '-'."""
    if is_missing(lower) or is_missing(upper):
        return missing
    return f"{fmt_decimal(lower, decimals)}{CI_DASH}{fmt_decimal(upper, decimals)}"


def plain_number(text: object) -> object:
    """A printed cell for a CSV: the thousands separator dropped, so that a spreadsheet reads the number."""
    return text.replace(THOUSANDS_SEPARATOR, "") if isinstance(text, str) else text


def bilingual(english: object, norwegian: object) -> str:
    """A display label, English with the Norwegian in parentheses (English alone when there is none)."""
    en = "" if is_missing(english) else str(english)
    no = "" if is_missing(norwegian) else str(norwegian)
    if not no or no == en:
        return en
    return f"{en} ({no})"
