"""The Great Expectations checkpoint (python_checks) passes on a built test warehouse and fails, naming
the cell, when a published number or an extract is perturbed.

The tests need a built warehouse: TEST_WAREHOUSE and TEST_RAW_DIR (set by `make test` after building;
default data/test/warehouse.duckdb and data/test/raw). Without one they fail: run `make test`.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from python_checks import checks
from python_checks.cli import main
from python_checks.fetch import MartView, WarehouseData
from python_checks.gx_runner import run_suites
from python_checks.reference import print_unit, scaled

SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def built() -> tuple[Path, Path]:
    warehouse = Path(os.environ.get("TEST_WAREHOUSE", REPO / "data" / "test" / "warehouse.duckdb"))
    raw_dir = Path(os.environ.get("TEST_RAW_DIR", REPO / "data" / "test" / "raw"))
    missing = [str(p) for p in (warehouse, raw_dir / "manifest.json") if not p.exists()]
    if missing:
        pytest.fail(f"no built test warehouse ({', '.join(missing)} missing): run `make test`, which builds "
                    "one and sets TEST_WAREHOUSE / TEST_RAW_DIR")
    return warehouse, raw_dir


def _scale(raw_dir: Path) -> float:
    return float(json.loads((raw_dir / "manifest.json").read_text())["scale"])


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def _perturbed_reference(tmp_path: Path) -> Path:
    reference = tmp_path / "reference"
    reference.mkdir()
    for csv in SEEDS.glob("reference_*.csv"):
        shutil.copy(csv, reference / csv.name)
    return reference


def _bump(published: int, scale: float) -> int:
    """A published count whose scaled value differs from the original's by at least one."""
    step = math.ceil(2 / scale)
    return published + step


def test_passes_on_the_built_warehouse(built: tuple[Path, Path], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    warehouse, raw_dir = built
    docs = tmp_path / "docs"
    code, out = _run(capsys, "--warehouse", warehouse, "--raw-dir", raw_dir, "--docs-dir", docs)
    assert code == 0, out
    assert "[PASS] suite published_totals" in out
    assert "[PASS] suite conservation" in out
    assert "[PASS] suite disclosure" in out
    assert (docs / "index.html").exists()
    assert str(docs / "index.html") in out


def test_fails_and_names_the_cell_of_a_perturbed_table2_count(built: tuple[Path, Path], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    warehouse, raw_dir = built
    scale = _scale(raw_dir)
    reference = _perturbed_reference(tmp_path)
    table2 = pd.read_csv(reference / "reference_table2_contacts.csv", dtype=str, keep_default_na=False)
    row = table2["service"] == "gp_consultation"
    published = int(table2.loc[row, "ukraine_recent"].iloc[0])
    table2.loc[row, "ukraine_recent"] = str(_bump(published, scale))
    table2.to_csv(reference / "reference_table2_contacts.csv", index=False)

    code, out = _run(capsys, "--warehouse", warehouse, "--raw-dir", raw_dir, "--reference-dir", reference,
                     "--docs-dir", tmp_path / "docs", "--suite", "published_totals")
    assert code != 0, out
    expected = scaled(_bump(published, scale), scale)
    observed = scaled(published, scale)
    assert f"contacts ukraine_recent gp_consultation: expected {expected}, observed {observed}" in out
    assert out.count("FAILED") == 1, out


def test_relative_tolerance_admits_a_small_difference(built: tuple[Path, Path], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """--relative-tolerance (for real extracts) widens the count checks."""
    warehouse, raw_dir = built
    scale = _scale(raw_dir)
    reference = _perturbed_reference(tmp_path)
    table2 = pd.read_csv(reference / "reference_table2_contacts.csv", dtype=str, keep_default_na=False)
    row = table2["service"] == "gp_contact"
    published = int(table2.loc[row, "general_population"].iloc[0])
    table2.loc[row, "general_population"] = str(_bump(published, scale))
    table2.to_csv(reference / "reference_table2_contacts.csv", index=False)
    common = ["--warehouse", warehouse, "--raw-dir", raw_dir, "--reference-dir", reference,
              "--docs-dir", tmp_path / "docs", "--suite", "published_totals"]

    code, out = _run(capsys, *common)
    assert code != 0 and "contacts general_population gp_contact: expected" in out, out
    code, out = _run(capsys, *common, "--relative-tolerance", "0.01")
    assert code == 0, out


def test_fails_and_names_the_cell_of_a_perturbed_municipality(built: tuple[Path, Path], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    warehouse, raw_dir = built
    scale = _scale(raw_dir)
    reference = _perturbed_reference(tmp_path)
    v2 = pd.read_csv(reference / "reference_table_v2_v3_municipalities.csv", dtype=str, keep_default_na=False)
    row = (v2["municipality_code"] == "0301") & (v2["service"] == "gp_contact") & (v2["group"] == "ukraine_recent")
    published = int(v2.loc[row, "contacts"].iloc[0])
    v2.loc[row, "contacts"] = str(_bump(published, scale))
    v2.to_csv(reference / "reference_table_v2_v3_municipalities.csv", index=False)

    code, out = _run(capsys, "--warehouse", warehouse, "--raw-dir", raw_dir, "--reference-dir", reference,
                     "--docs-dir", tmp_path / "docs", "--suite", "published_totals")
    assert code != 0, out
    assert (f"FAILED v2_v3_contacts: contacts 0301 Oslo ukraine_recent gp_contact: expected "
            f"{scaled(_bump(published, scale), scale)}, observed {scaled(published, scale)}") in out


def test_fails_and_names_the_cell_of_a_perturbed_table1_persons(built: tuple[Path, Path], tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    warehouse, raw_dir = built
    scale = _scale(raw_dir)
    reference = _perturbed_reference(tmp_path)
    table1 = pd.read_csv(reference / "reference_table1_population.csv", dtype=str, keep_default_na=False)
    row = table1["measure"] == "persons"
    published = int(table1.loc[row, "other_recent"].iloc[0])
    table1.loc[row, "other_recent"] = str(published - math.ceil(2 / scale))
    table1.to_csv(reference / "reference_table1_population.csv", index=False)

    code, out = _run(capsys, "--warehouse", warehouse, "--raw-dir", raw_dir, "--reference-dir", reference,
                     "--docs-dir", tmp_path / "docs", "--suite", "published_totals")
    assert code != 0, out
    assert "FAILED table1_persons: persons other_recent: expected" in out


def test_fails_when_rows_are_dropped_from_an_extract(built: tuple[Path, Path], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A raw file with fewer rows than were staged: conservation names the file (and the manifest)."""
    warehouse, raw_dir = built
    raw_copy = tmp_path / "raw"
    for path in raw_dir.rglob("*"):
        if path.is_file():
            target = raw_copy / path.relative_to(raw_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.name != "residence.parquet":
                target.symlink_to(path)
    source = raw_dir / "ssb" / "residence.parquet"
    with duckdb.connect() as con:
        con.execute(f"copy (select * from read_parquet('{source}') limit (select count(*) - 7 "
                    f"from read_parquet('{source}'))) to '{raw_copy / 'ssb' / 'residence.parquet'}' (format parquet)")

    code, out = _run(capsys, "--warehouse", warehouse, "--raw-dir", raw_copy, "--docs-dir", tmp_path / "docs",
                     "--suite", "conservation")
    assert code != 0, out
    assert "FAILED raw_staged_rejected: rows ssb/residence" in out
    assert "FAILED manifest_rows: rows ssb/residence: raw file vs manifest" in out


def _data_with_marts(marts: list[MartView], schema_exists: bool = True) -> WarehouseData:
    empty = pd.DataFrame()
    return WarehouseData(empty, empty, empty, empty, empty, empty, empty, schema_exists, marts)


def test_disclosure_fails_on_an_unsuppressed_small_cell(tmp_path: Path) -> None:
    frame = pd.DataFrame({"group_key": ["ukraine_recent", "other_recent", "x"], "persons": [120, 3, 2],
                          "contacts": [40, 9, 1], "is_suppressed": [False, False, True]})
    unsuppressed = frame[~frame["is_suppressed"]]
    suite = checks.disclosure(_data_with_marts([MartView("population", ["persons", "contacts"], True,
                                                         unsuppressed)]), threshold=5, suppress_zero=True)
    results, _ = run_suites([suite], tmp_path / "docs")
    assert not results[0].success
    cells = [f.cell for f in results[0].failures]
    assert len(cells) == 1
    assert cells[0].startswith("marts.population.persons: unsuppressed rows with 0-5")
    assert "group_key=other_recent" in cells[0]


def test_disclosure_fails_without_marts(tmp_path: Path) -> None:
    suite = checks.disclosure(_data_with_marts([], schema_exists=False), threshold=5, suppress_zero=True)
    results, _ = run_suites([suite], tmp_path / "docs")
    assert not results[0].success
    assert "schema marts does not exist" in results[0].failures[0].cell


@pytest.mark.parametrize(("name", "is_count"), [
    ("persons", True), ("gp_contact_contacts", True), ("gp_contact_count", True), ("persons_followed", True),
    ("consultations_with_time_or_interpreter", True), ("patients", True), ("months_since_settlement", False),
    ("municipality_code", False), ("calendar_year", False), ("sort_order", False), ("is_suppressed", False),
])
def test_count_column_rule(name: str, is_count: bool) -> None:
    assert checks.is_count_column(name) is is_count


def test_print_tolerance_and_scaling() -> None:
    assert print_unit("30.5") == pytest.approx(0.1)
    assert print_unit("60") == 1
    assert print_unit("0.25") == pytest.approx(0.01)
    assert scaled(83951, 0.02) == 1679
    assert scaled(59115, 0.02) == 1182
    assert scaled(25, 0.02) == 1  # 0.5 rounds up
    check = checks.printed_check("f", "c", "380.9", 380.96)
    assert check.lower < 380.96 < check.upper
    assert not check.lower < 381.9 < check.upper
