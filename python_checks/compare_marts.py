"""Every mart of two warehouses compared, row by row: a refactoring's before and after, a killed build's rerun
against a clean build (python_tests/test_faults.py), or two engines' builds.

    .venv/bin/python -m python_checks.compare_marts BEFORE.duckdb AFTER.duckdb [--schema marts]
    .venv/bin/python -m python_checks.compare_marts DUCKDB.duckdb --spark-warehouse data/spark/warehouse

Per table: the same columns (names and types, in order) and the same rows, row order aside; doubles to
within the noise below, everything else exactly, nulls included. Prints one line per table (the first
differing rows where it differs) and exits 1 when any table differs or is missing on one side.

Against a Spark build (--spark-warehouse: the tables' Parquet files under spark.sql.warehouse.dir, read
here with DuckDB) the engines' types differ in width and name, so columns are compared by name and kind
(integer, number, text, boolean, date, time): counts and flags exactly, numbers (DuckDB's doubles,
Spark's doubles or decimals) to 1e-9 relative, the tolerance issue 16 sets between engines.
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
# Between engines: different summation orders and rounding formulas (macros/rates/round_significant.sql).
ENGINE_REL_TOL = 1e-9
APPROXIMATE = ("DOUBLE", "FLOAT", "REAL", "number")
KINDS = {"TINYINT": "integer", "SMALLINT": "integer", "INTEGER": "integer", "BIGINT": "integer",
         "HUGEINT": "integer", "UTINYINT": "integer", "USMALLINT": "integer", "UINTEGER": "integer",
         "UBIGINT": "integer", "DOUBLE": "number", "FLOAT": "number", "REAL": "number", "VARCHAR": "text",
         "BOOLEAN": "boolean", "DATE": "date", "TIME": "time"}


def kind(data_type: str) -> str:
    """The kind of a DuckDB type, for comparing engines: DECIMAL(p,s) is a number, an ENUM text."""
    if data_type.startswith("DECIMAL"):
        return "number"
    if data_type.startswith("ENUM"):
        return "text"
    return KINDS.get(data_type, data_type)


@dataclass(frozen=True)
class Table:
    """A table's columns (name and type, in order) and its rows sorted: a form independent of row order."""

    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[Any, ...], ...]


def read_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, by_kind: bool = False) -> Table:
    """A table as compared; `by_kind` (engines): columns sorted by name with their kind, numbers as floats."""
    columns = tuple(con.execute("select column_name, data_type from information_schema.columns where table_schema = "
                                "? and table_name = ? order by ordinal_position", [schema, table]).fetchall())
    if by_kind:
        columns = tuple(sorted((name, kind(data_type)) for name, data_type in columns))
        select = ", ".join(f'cast("{name}" as double)' if k == "number" else
                           f'cast("{name}" as varchar)' if k in ("text", "time") else f'"{name}"'
                           for name, k in columns)
        rows = con.execute(f'select {select} from "{schema}"."{table}"').fetchall()
    else:
        rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
    exact = [i for i, (_, kind) in enumerate(columns) if kind not in APPROXIMATE]
    approximate = [i for i, (_, kind) in enumerate(columns) if kind in APPROXIMATE]

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple((row[i] is None, row[i]) for i in exact + approximate)

    return Table(columns, tuple(sorted(rows, key=key)))


def _same_value(a: Any, b: Any, approximate: bool, rel_tol: float = REL_TOL) -> bool:
    if approximate and isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=rel_tol, abs_tol=ABS_TOL)
    return bool(a == b) and type(a) is type(b)


def differences(expected: Table, found: Table, limit: int = 3, rel_tol: float = REL_TOL) -> list[str]:
    """What differs between two tables, row order aside (empty when they are the same)."""
    if expected.columns != found.columns:
        return [f"columns {found.columns} instead of {expected.columns}"]
    if len(expected.rows) != len(found.rows):
        return [f"{len(found.rows)} rows instead of {len(expected.rows)}"]
    approximate = [kind in APPROXIMATE for _, kind in expected.columns]
    names = [name for name, _ in expected.columns]
    different = []
    for b, a in zip(expected.rows, found.rows, strict=True):
        columns = [name for name, x, y, approx in zip(names, a, b, approximate, strict=True)
                   if not _same_value(x, y, approx, rel_tol)]
        if columns:
            different.append(f"{a} instead of {b} (column {', '.join(columns)})")
    return different[:limit] + ([f"... {len(different) - limit} more rows"] if len(different) > limit else [])


def read_marts(path: Path, schema: str = "marts") -> dict[str, Table]:
    """Every table of `schema` in the warehouse at `path`, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database() "
            "and table_schema = ? order by 1", [schema]).fetchall()]
        return {name: read_table(con, schema, name) for name in names}


def read_spark_marts(warehouse_dir: Path, schema: str = "marts") -> dict[str, Table]:
    """Every table of `schema` of a Spark build, from its Parquet files (<dir>/<schema>.db/<table>/), by kind."""
    with duckdb.connect() as con:
        con.execute(f'create schema "{schema}"')
        for table_dir in sorted((warehouse_dir / f"{schema}.db").glob("*/")):
            con.execute(f'create view "{schema}"."{table_dir.name}" as '
                        f"select * from read_parquet('{table_dir}/*.parquet')")
        names = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [schema]).fetchall()]
        return {name: read_table(con, schema, name, by_kind=True) for name in names}


def read_marts_by_kind(path: Path, schema: str = "marts") -> dict[str, Table]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database() "
            "and table_schema = ? order by 1", [schema]).fetchall()]
        return {name: read_table(con, schema, name, by_kind=True) for name in names}


def compare(before: Path, after: Path, schema: str = "marts") -> dict[str, list[str]]:
    """What differs per table (an empty list where the table is the same), tables of either side included."""
    return _compare(read_marts(before, schema), read_marts(after, schema), REL_TOL)


def compare_engines(duckdb_warehouse: Path, spark_warehouse_dir: Path, schema: str = "marts") -> dict[str, list[str]]:
    """compare() of a DuckDB build (BEFORE) with a Spark build (AFTER), columns by name and kind."""
    return _compare(read_marts_by_kind(duckdb_warehouse, schema), read_spark_marts(spark_warehouse_dir, schema),
                    ENGINE_REL_TOL)


def _compare(old: dict[str, Table], new: dict[str, Table], rel_tol: float) -> dict[str, list[str]]:
    result = {}
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            result[name] = ["missing in AFTER"]
        elif name not in old:
            result[name] = ["missing in BEFORE"]
        else:
            result[name] = differences(old[name], new[name], rel_tol=rel_tol)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m python_checks.compare_marts",
                                     description="Every mart of two warehouses compared, row by row.")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path, nargs="?")
    parser.add_argument("--spark-warehouse", type=Path,
                        help="compare BEFORE (DuckDB) with a Spark build's tables in this directory instead")
    parser.add_argument("--schema", default="marts")
    args = parser.parse_args(argv)
    if (args.after is None) == (args.spark_warehouse is None):
        parser.error("give either AFTER or --spark-warehouse")
    for path in (args.before, args.after):
        if path is not None and not path.is_file():
            parser.error(f"{path} is not a file")
    if args.spark_warehouse is not None:
        if not (args.spark_warehouse / f"{args.schema}.db").is_dir():
            parser.error(f"{args.spark_warehouse} has no {args.schema}.db (not a Spark build's warehouse directory?)")
        result = compare_engines(args.before, args.spark_warehouse, args.schema)
    else:
        result = compare(args.before, args.after, args.schema)
    for name, found in result.items():
        print(f"{name}: " + ("same" if not found else "DIFFERENT: " + "; ".join(found)))
    different = [name for name, found in result.items() if found]
    print(f"{len(result)} tables, {len(different)} different" + (f": {', '.join(different)}" if different else ""))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
