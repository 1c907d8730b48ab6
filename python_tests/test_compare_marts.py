"""tools/compare_marts.py: same marts pass, and each kind of difference is named."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

_SPEC = importlib.util.spec_from_file_location(
    "compare_marts", Path(__file__).resolve().parents[1] / "tools" / "compare_marts.py")
assert _SPEC is not None and _SPEC.loader is not None
compare_marts = importlib.util.module_from_spec(_SPEC)
sys.modules["compare_marts"] = compare_marts  # its dataclass looks its module up there
_SPEC.loader.exec_module(compare_marts)

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
    ([ROWS[0][:2] + (121,) + ROWS[0][3:], ROWS[1]], False, "rows before"),
    ([ROWS[0][:3] + (2.5001, None), ROWS[1]], False, "doubles differ"),
    ([ROWS[0][:4] + (0.1,), ROWS[1]], False, "null on one side"),
    ([ROWS[0]], False, "rows before"),
    (ROWS, True, "columns differ"),
])
def test_each_difference_is_named(before: Path, tmp_path: Path, rows: list[tuple], extra_column: bool,
                                  problem: str) -> None:
    after = warehouse(tmp_path / "after.duckdb", rows, extra_column)
    [result] = compare_marts.compare(before, after)
    assert result.problem is not None and problem in result.problem, result.line()
    assert compare_marts.main([str(before), str(after)]) == 1
