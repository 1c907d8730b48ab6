"""The Great Expectations checkpoint (python_checks) passes on a built test warehouse and fails, naming
the cell, when a published number or an extract is perturbed; a failed count lists the audited rows of its
files (file, reason, rows); a warehouse that is missing or older than the extracts is named as such.

The tests need a built warehouse: TEST_WAREHOUSE and TEST_RAW_DIR (set by `make test` after building;
default data/test/warehouse.duckdb and data/test/raw). Without one they fail: run `make test`.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from deliveries import linked_delivery

from python_checks import audit, checks
from python_checks.cli import main
from python_checks.fetch import MartView, WarehouseData
from python_checks.gx_runner import run_suites
from python_checks.reference import print_unit, scaled

REPO = Path(__file__).resolve().parents[1]
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

    # The changed file is newer than the warehouse: the checks say so instead of comparing.
    code, out = _run(capsys, "--warehouse", warehouse, "--raw-dir", raw_copy, "--docs-dir", tmp_path / "docs",
                     "--suite", "conservation")
    assert code == 2, out
    assert f"warehouse {warehouse} is older than the extracts in {raw_copy}" in out
    assert "newest ssb/residence.parquet" in out and "FAILED" not in out
    # Checked anyway, conservation names the file.
    code, out = _run(capsys, "--warehouse", warehouse, "--raw-dir", raw_copy, "--docs-dir", tmp_path / "docs",
                     "--suite", "conservation", "--allow-older-warehouse")
    assert code == 1, out
    assert "FAILED raw_staged_rejected: rows ssb/residence" in out
    assert "FAILED manifest_rows: rows ssb/residence: raw file vs manifest" in out


def _explanation(out: str, cell: str) -> str:
    """The audited rows printed under the failed cell (following "as above" back to the text it repeats)."""
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("FAILED ") and f": {cell}: " in line)
    prefix = "audited rows that may explain it: "
    for line in reversed(lines[:index + 2]):
        text = line.strip()
        if text.startswith(prefix) and text != prefix + "as above":
            return text.removeprefix(prefix)
    raise AssertionError(f"no audited rows printed for {cell}:\n{out}")


def test_a_failed_count_names_the_audited_rows_of_its_files(built: tuple[Path, Path], tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Rows lost from a copy of the warehouse and audited with a reason: the failed counts say how many rows
    of which file were audited for which reason, only for the files each count derives from; so does the
    stored GX result."""
    warehouse, raw_dir = built
    damaged = tmp_path / "warehouse.duckdb"  # the views name the database after the file: keep the name
    shutil.copyfile(warehouse, damaged)
    with duckdb.connect(str(damaged)) as con:
        persons = con.execute("select count(*) from core.dim_persons where group_key = 'other_recent'").fetchone()
        con.execute("""delete from core.dim_persons where person_id in (
                           select person_id from core.dim_persons where group_key = 'other_recent'
                           order by person_id limit 7)""")
        con.execute("""insert into intermediate.int_staging_rejections
                       select 'ssb/persons.parquet', 'ssb.persons', 900000000 + i, cast(i as varchar),
                           'birth year before 1900', 'base_ssb__persons'
                       from range(7) as t(i)""")
        contacts = con.execute("""select count(*) from core.fct_contacts as c
                                  inner join core.dim_persons as p on c.person_id = p.person_id
                                  where p.group_key = 'general_population' and c.service_key = 'gp_contact'"""
                               ).fetchone()
        con.execute("""delete from core.fct_contacts where rowid in (
                           select c.rowid from core.fct_contacts as c
                           inner join core.dim_persons as p on c.person_id = p.person_id
                           where p.group_key = 'general_population' and c.service_key = 'gp_contact'
                           order by c.rowid limit 5)""")
        con.execute("""insert into intermediate.int_staging_rejections
                       select 'kpr/kuhr_regninger.parquet', 'kpr.kuhr_regninger', 900000000 + i, cast(i as varchar),
                           'bill rejected', 'int_bills_classified'
                       from range(5) as t(i)""")
    assert persons and contacts

    code, out = _run(capsys, "--warehouse", damaged, "--raw-dir", raw_dir, "--docs-dir", tmp_path / "docs",
                     "--suite", "published_totals")
    assert code == 1, out
    assert (f"FAILED table1_persons: persons other_recent: expected {persons[0]}, observed {persons[0] - 7} "
            "(7 fewer)") in out
    persons_text = _explanation(out, "persons other_recent")
    assert persons_text.startswith("ssb/persons.parquet: "), persons_text
    assert "7 'birth year before 1900'" in persons_text
    assert "kuhr" not in persons_text and "bill rejected" not in persons_text  # not a file persons derive from
    assert "none in ssb/residence.parquet" in persons_text

    assert (f"FAILED table2_contacts: contacts general_population gp_contact: expected {contacts[0]}, "
            f"observed {contacts[0] - 5} (5 fewer)") in out
    contacts_text = _explanation(out, "contacts general_population gp_contact")
    bills = next(part for part in contacts_text.split("; ") if part.startswith("kpr/kuhr_regninger.parquet: "))
    assert bills.endswith(", 5 'bill rejected' (by int_bills_classified)"), bills  # largest first: the 5 last
    assert "7 'birth year before 1900'" in contacts_text  # a person not staged takes their contacts along
    assert "npr/" not in contacts_text and "hom_vedtak" not in contacts_text

    # Printed once at the top, every file; and in the GX result GX stored, beside the failed cell.
    summary = out[out.index("audited rows (intermediate.int_staging_rejections"):out.index("[FAIL] suite")]
    assert "7 'birth year before 1900'" in summary and "5 'bill rejected' (by int_bills_classified)" in summary
    stored = next((tmp_path / "gx_results" / "published_totals").rglob("*.json"))
    failed = {row["cell"]: row["audited"]
              for result in json.loads(stored.read_text())["results"] if not result["success"]
              for row in result["result"]["unexpected_index_list"]}
    assert failed["persons other_recent"] == persons_text
    page = next((tmp_path / "docs" / "validations" / "published_totals").rglob("*.html")).read_text()
    assert "7 'birth year before 1900'" in page


def test_a_count_without_audited_rows_says_so(tmp_path: Path) -> None:
    """The explanation lists files largest first, reasons largest first, and says which files have none."""
    frame = pd.DataFrame({
        "source_file": ["ssb/persons.parquet", "ssb/persons.parquet", "npr/phv.parquet", "kpr/hom_vedtak.parquet"],
        "rejection_reason": ["missing sex", "duplicate person id", "unknown care level", "from-date after to-date"],
        "rejected_by_model": ["base_ssb__persons", "base_ssb__persons", "base_npr__adult_mental_health_episodes",
                              "base_kpr__home_care_decisions"],
        "n_rows": [3, 1200, 40, 9]})
    assert audit.explain(frame, audit.contact_count_files("mental_adult_outpatient")) == (
        "ssb/persons.parquet: 1,200 'duplicate person id', 3 'missing sex'; npr/phv.parquet: 40 'unknown care "
        "level'; none in ssb/residence.parquet")
    assert audit.explain(frame, audit.contact_count_files("somatic_day")).startswith("ssb/persons.parquet")
    assert "hom_vedtak" not in audit.explain(frame, audit.contact_count_files("somatic_day"))
    assert audit.explain(frame, audit.contact_count_files("home_care_decision")).startswith(
        "ssb/persons.parquet: 1,200 'duplicate person id', 3 'missing sex'; kpr/hom_vedtak.parquet: 9 ")
    assert audit.explain(frame.iloc[0:0], audit.PERSON_FILES).startswith(
        "no audited rows in ssb/persons.parquet, ssb/residence.parquet")


def _raw_copy_with_a_new_manifest(raw_dir: Path, target: Path) -> Path:
    """The test extracts, linked, with manifest.json copied: a file written now, after the warehouse."""
    return linked_delivery(raw_dir, target, checksums=True)


def test_a_warehouse_older_than_the_extracts_is_named_not_checked(built: tuple[Path, Path], tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """After a refused delivery or a failed build the old warehouse stays: the checks say so and stop."""
    _, raw_dir = built
    raw_copy = _raw_copy_with_a_new_manifest(raw_dir, tmp_path / "raw")
    old = tmp_path / "secure" / "warehouse.duckdb"
    old.parent.mkdir()
    old.write_bytes(b"not opened")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))

    code, out = _run(capsys, "--warehouse", old, "--raw-dir", raw_copy, "--docs-dir", tmp_path / "docs")
    assert code == 2, out
    assert f"ERROR: warehouse {old} is older than the extracts in {raw_copy}" in out
    assert "newest manifest.json): it was not built from them" in out
    assert "the door: it probably refused the delivery" in out
    assert f"make check-extracts RAW_DIR={raw_copy} WAREHOUSE={old}" in out
    assert "FAILED" not in out and "suite" not in out and not (tmp_path / "docs").exists()

    # A build started after the extracts and never swapped in: dbt build failed (or is running).
    building = old.parent / ".building" / "warehouse.duckdb"
    building.parent.mkdir()
    building.write_bytes(b"half built")
    code, out = _run(capsys, "--warehouse", old, "--raw-dir", raw_copy, "--docs-dir", tmp_path / "docs")
    assert code == 2, out
    assert f"A build into {building.absolute()}" in out and "was not swapped in: dbt build failed" in out
    assert "Mend what dbt build names" in out and "make check-extracts" not in out


def test_a_missing_warehouse_is_named(built: tuple[Path, Path], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _, raw_dir = built
    missing = tmp_path / "warehouse.duckdb"
    code, out = _run(capsys, "--warehouse", missing, "--raw-dir", raw_dir, "--docs-dir", tmp_path / "docs")
    assert code == 2, out
    assert f"ERROR: warehouse {missing} not found: nothing has been built from the extracts in {raw_dir}" in out
    assert "make check-extracts" in out and "Traceback" not in out


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
