"""python_checks.compare_marts on two warehouse files: the same marts pass, and each kind of difference is named
(the comparison itself is tested cell by cell in test_faults.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from python_checks import compare_marts

ROWS = [("ukraine_recent", "gp_contact", 120, 2.5, None), ("other_recent", "gp_contact", None, 1.25, 0.5)]


def warehouse(path: Path, rows: list[tuple], extra_column: bool = False) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.annual_rates (group_key varchar, service_key varchar, contacts bigint, "
                    "rate_annual double, dsr_annual double" + (", note varchar" if extra_column else "") + ")")
        for row in rows:
            con.execute("insert into marts.annual_rates values (?, ?, ?, ?, ?" + (", null" if extra_column else "")
                        + ")", list(row))
    return path


@pytest.fixture()
def before(tmp_path: Path) -> Path:
    return warehouse(tmp_path / "before.duckdb", ROWS)


def test_the_same_marts_pass_within_the_parallel_sum_noise(before: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    noisy = [ROWS[0][:3] + (2.5 * (1 + 4e-16), None), ROWS[1]]
    after = warehouse(tmp_path / "after.duckdb", list(reversed(noisy)))
    assert compare_marts.main([str(before), str(after)]) == 0
    assert "1 tables, 0 different" in capsys.readouterr().out


@pytest.mark.parametrize(("rows", "extra_column", "problem"), [
    ([ROWS[0][:2] + (121,) + ROWS[0][3:], ROWS[1]], False, "121, 2.5, None) instead of"),
    ([ROWS[0][:3] + (2.5001, None), ROWS[1]], False, "2.5001, None) instead of"),
    ([ROWS[0][:4] + (0.1,), ROWS[1]], False, "2.5, 0.1) instead of"),
    ([ROWS[0]], False, "1 rows instead of 2"),
    (ROWS, True, "columns"),
])
def test_each_difference_is_named(before: Path, tmp_path: Path, rows: list[tuple], extra_column: bool,
                                  problem: str) -> None:
    after = warehouse(tmp_path / "after.duckdb", rows, extra_column)
    found = compare_marts.compare(before, after)["annual_rates"]
    assert any(problem in line for line in found), found
    assert compare_marts.main([str(before), str(after)]) == 1


def test_a_mart_on_one_side_only_is_named(before: Path, tmp_path: Path) -> None:
    after = tmp_path / "after.duckdb"
    with duckdb.connect(str(after)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.age_sex_rates (group_key varchar)")
    assert compare_marts.compare(before, after) == {"age_sex_rates": ["missing in BEFORE"],
                                                    "annual_rates": ["missing in AFTER"]}
    assert compare_marts.main([str(before), str(after)]) == 1


def spark_warehouse(directory: Path, rows: list[tuple]) -> Path:
    """A Spark build's warehouse directory as Spark writes it (<dir>/marts.db/<table>/part-*.parquet), with
    Spark's types where they differ from DuckDB's: int for the count, decimal for one rate."""
    table_dir = directory / "marts.db" / "annual_rates"
    table_dir.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute("create table t (group_key varchar, service_key varchar, contacts integer, "
                    "rate_annual decimal(38, 14), dsr_annual double)")
        for row in rows:
            con.execute("insert into t values (?, ?, ?, ?, ?)", list(row))
        con.execute(f"copy t to '{table_dir}/part-00000.snappy.parquet' (format parquet)")
    return directory


def test_a_spark_build_with_the_same_marts_passes(before: Path, tmp_path: Path) -> None:
    spark = spark_warehouse(tmp_path / "spark", [ROWS[1], ROWS[0][:3] + (2.5 * (1 + 5e-10), None)])
    assert compare_marts.compare_engines(before, spark) == {"annual_rates": []}
    assert compare_marts.main([str(before), "--spark-warehouse", str(spark)]) == 0


@pytest.mark.parametrize(("rows", "column"), [
    ([ROWS[0][:2] + (121,) + ROWS[0][3:], ROWS[1]], "contacts"),
    ([ROWS[0][:3] + (2.5 * (1 + 2e-9), None), ROWS[1]], "rate_annual"),
    ([ROWS[0], ("other_recent", "gp_consultation") + ROWS[1][2:]], "service_key"),
])
def test_a_mart_changed_on_one_engine_only_is_named_with_its_column(before: Path, tmp_path: Path,
                                                                    rows: list[tuple], column: str) -> None:
    spark = spark_warehouse(tmp_path / "spark", rows)
    found = compare_marts.compare_engines(before, spark)["annual_rates"]
    assert any(f"(column {column})" in line for line in found), found
    assert compare_marts.main([str(before), "--spark-warehouse", str(spark)]) == 1
