"""Every mart of two warehouses compared, row by row: a refactoring's before and after, a killed build's rerun
against a clean build (python_tests/test_faults.py), or two engines' builds.

    .venv/bin/python -m python_checks.compare_marts BEFORE.duckdb AFTER.duckdb [--schema marts]

Per table: the same columns (names and types, in order) and the same rows, row order aside; doubles to
within the noise below, everything else exactly, nulls included. Prints one line per table (the first
differing rows where it differs) and exits 1 when any table differs or is missing on one side.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

# Doubles are compared to within 1e-10 relative or 1e-9 absolute, everything else exactly. DuckDB sums doubles
# in parallel in no fixed order, so two builds of the same extracts differ in the last bits of a sum (the
# person-months of int_annual_rate_strata: 2227798.0891705067 against 2227798.089170507), and so do two runs
# of one query on one warehouse. The marts round their doubles (macros/rates/round_significant.sql: 12
# significant digits; round(x, 10) elsewhere), which does not remove that noise: a value next to a rounding
# boundary lands on either side of it, one unit of the last digit kept apart (0.0652785422862 against
# 0.0652785422863 in one rerun's CI bound). The tolerance covers that unit and no more: any change of data or
# code moves an integer count, or a double by far more.
REL_TOL, ABS_TOL = 1e-10, 1e-9
APPROXIMATE = ("DOUBLE", "FLOAT", "REAL")


@dataclass(frozen=True)
class Table:
    """A table's columns (name and type, in order) and its rows sorted: a form independent of row order."""

    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[Any, ...], ...]


def read_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> Table:
    columns = tuple(con.execute("select column_name, data_type from information_schema.columns where table_schema = "
                                "? and table_name = ? order by ordinal_position", [schema, table]).fetchall())
    rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
    exact = [i for i, (_, kind) in enumerate(columns) if kind not in APPROXIMATE]
    approximate = [i for i, (_, kind) in enumerate(columns) if kind in APPROXIMATE]

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple((row[i] is None, row[i]) for i in exact + approximate)

    return Table(columns, tuple(sorted(rows, key=key)))


def _same_value(a: Any, b: Any, approximate: bool) -> bool:
    if approximate and isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return bool(a == b) and type(a) is type(b)


def differences(expected: Table, found: Table, limit: int = 3) -> list[str]:
    """What differs between two tables, row order aside (empty when they are the same)."""
    if expected.columns != found.columns:
        return [f"columns {found.columns} instead of {expected.columns}"]
    if len(expected.rows) != len(found.rows):
        return [f"{len(found.rows)} rows instead of {len(expected.rows)}"]
    approximate = [kind in APPROXIMATE for _, kind in expected.columns]
    different = [f"{a} instead of {b}" for b, a in zip(expected.rows, found.rows, strict=True)
                 if not all(_same_value(x, y, approx) for x, y, approx in zip(a, b, approximate, strict=True))]
    return different[:limit] + ([f"... {len(different) - limit} more rows"] if len(different) > limit else [])


def read_marts(path: Path, schema: str = "marts") -> dict[str, Table]:
    """Every table of `schema` in the warehouse at `path`, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database() "
            "and table_schema = ? order by 1", [schema]).fetchall()]
        return {name: read_table(con, schema, name) for name in names}


def compare(before: Path, after: Path, schema: str = "marts") -> dict[str, list[str]]:
    """What differs per table (an empty list where the table is the same), tables of either side included."""
    old, new = read_marts(before, schema), read_marts(after, schema)
    result = {}
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            result[name] = ["missing in AFTER"]
        elif name not in old:
            result[name] = ["missing in BEFORE"]
        else:
            result[name] = differences(old[name], new[name])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m python_checks.compare_marts",
                                     description="Every mart of two warehouses compared, row by row.")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--schema", default="marts")
    args = parser.parse_args(argv)
    for path in (args.before, args.after):
        if not path.is_file():
            parser.error(f"{path} is not a file")
    result = compare(args.before, args.after, args.schema)
    for name, found in result.items():
        print(f"{name}: " + ("same" if not found else "DIFFERENT: " + "; ".join(found)))
    different = [name for name, found in result.items() if found]
    print(f"{len(result)} tables, {len(different)} different" + (f": {', '.join(different)}" if different else ""))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
