"""Compare every mart of two warehouses: a refactoring's before and after, or two engines' builds.

    .venv/bin/python tools/compare_marts.py BEFORE.duckdb AFTER.duckdb [--schema marts] [--rel-tol 1e-10]

For each table of the schema in BEFORE: the same columns (names and types, in order) in AFTER, and the same
rows: they are joined on every column that is not a double (counts, keys, flags, labels must match exactly,
nulls included), and the doubles of each joined pair must agree within --rel-tol relative (or both be null).
DuckDB sums doubles in parallel in no fixed order, so two builds of the same code differ in the last bits
(python_tests/test_faults.py); the default tolerance covers that and nothing a change of data or code makes.
Prints one line per table and exits 1 when any table differs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

APPROXIMATE = ("DOUBLE", "FLOAT", "REAL")


@dataclass(frozen=True)
class Comparison:
    table: str
    problem: str | None
    rows_before: int = 0
    rows_after: int = 0
    worst_relative_difference: float = 0.0

    def line(self) -> str:
        if self.problem:
            return f"{self.table}: DIFFERENT: {self.problem}"
        return (f"{self.table}: same {self.rows_before} rows; doubles within "
                f"{self.worst_relative_difference:.1e} relative")


def columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind in con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table]).fetchall()]


def compare_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, rel_tol: float) -> Comparison:
    before, after = columns(con, "before", schema, table), columns(con, "after", schema, table)
    if not after:
        return Comparison(table, "missing in AFTER")
    if before != after:
        changed = sorted(set(before) ^ set(after))
        return Comparison(table, f"columns differ: {changed}")
    exact = [name for name, kind in before if kind not in APPROXIMATE]
    doubles = [name for name, kind in before if kind in APPROXIMATE]
    relation = f'"{schema}"."{table}"'
    n_before = con.execute(f"select count(*) from before.{relation}").fetchone()[0]  # type: ignore[index]
    n_after = con.execute(f"select count(*) from after.{relation}").fetchone()[0]  # type: ignore[index]
    on = " and ".join(f'x."{name}" is not distinct from y."{name}"' for name in exact) or "true"
    measures = ["count(*)"]
    for name in doubles:
        measures.append(f'coalesce(max(abs(x."{name}" - y."{name}") / nullif(abs(x."{name}"), 0)), 0)')
        measures.append(f'count(*) filter (where (x."{name}" is null) <> (y."{name}" is null))')
    row = con.execute(f"select {', '.join(measures)} from before.{relation} as x "
                      f"inner join after.{relation} as y on {on}").fetchone()
    assert row is not None
    joined, rest = row[0], row[1:]
    worst = max((float(rest[i]) for i in range(0, len(rest), 2)), default=0.0)
    null_mismatches = sum(int(rest[i]) for i in range(1, len(rest), 2))
    if not n_before == n_after == joined:
        return Comparison(table, f"{n_before} rows before, {n_after} after, {joined} with the same exact columns "
                                 f"({', '.join(exact)})", n_before, n_after, worst)
    if null_mismatches:
        return Comparison(table, f"{null_mismatches} doubles null on one side only", n_before, n_after, worst)
    if worst > rel_tol:
        return Comparison(table, f"doubles differ by up to {worst:.1e} relative (tolerance {rel_tol:.0e})",
                          n_before, n_after, worst)
    return Comparison(table, None, n_before, n_after, worst)


def compare(before: Path, after: Path, schema: str = "marts", rel_tol: float = 1e-10) -> list[Comparison]:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{before}' as before (read_only)")
        con.execute(f"attach '{after}' as after (read_only)")
        tables = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'before' "
            "and table_schema = ? order by 1", [schema]).fetchall()]
        extra = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'after' "
            "and table_schema = ? order by 1", [schema]).fetchall() if name not in tables]
        results = [compare_table(con, schema, table, rel_tol) for table in tables]
        results += [Comparison(name, "missing in BEFORE") for name in extra]
        return results
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--schema", default="marts")
    parser.add_argument("--rel-tol", type=float, default=1e-10)
    args = parser.parse_args(argv)
    for path in (args.before, args.after):
        if not path.is_file():
            parser.error(f"{path} is not a file")
    results = compare(args.before, args.after, args.schema, args.rel_tol)
    for result in results:
        print(result.line())
    different = [result.table for result in results if result.problem]
    print(f"{len(results)} tables, {len(different)} different" + (f": {', '.join(different)}" if different else ""))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
