"""The door check (extract_contract/): damaged deliveries derived from the test extracts are refused with a
line naming the file, the column and the rule, or let through with a warning saying what staging will do.

Needs the test extracts of `make test` (TEST_RAW_DIR). Each case copies the delivery (links to the
unchanged files) and damages one thing. The copy's manifest.json has no `sha256`, so that a rewritten file is
judged by the rule under test, not refused by its checksum first (checksums: test_faults.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from deliveries import linked_delivery

from extract_contract.check import check_delivery, load_contract
from extract_contract.cli import DOCS_END, DOCS_START, contract_table, main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def clean_raw() -> Path:
    raw = Path(os.environ.get("TEST_RAW_DIR", REPO / "data/test/raw"))
    if not (raw / "manifest.json").exists():
        pytest.fail(f"no test extracts in {raw}: run `make test`")
    return raw


@pytest.fixture()
def delivery(clean_raw: Path, tmp_path: Path) -> Path:
    return linked_delivery(clean_raw, tmp_path / "raw", checksums=False)


def _rewrite(raw: Path, name: str, select: str, tail: str = "") -> None:
    """Replace raw/<name>.parquet (a link to the clean file) by `select <select> from src <tail>` over it."""
    path = raw / f"{name}.parquet"
    source = path.resolve()
    path.unlink()
    duckdb.sql(f"copy (select {select} from read_parquet('{source}') as src {tail}) to '{path}' (format parquet)")


def _lines(raw: Path, **kwargs: object) -> tuple[list[str], list[str]]:
    report = check_delivery(raw, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in report.errors], [str(p) for p in report.warnings]


def test_the_clean_delivery_passes(delivery: Path) -> None:
    errors, _ = _lines(delivery)
    assert errors == []
    assert main(["--raw-dir", str(delivery)]) == 0


def test_a_missing_file_is_refused_by_name(delivery: Path) -> None:
    (delivery / "kpr/kuhr_takster.parquet").unlink()
    errors, _ = _lines(delivery)
    assert errors == ["ERROR kpr/kuhr_takster.parquet: missing file (expected one row per tariff code on a bill)"]
    assert main(["--raw-dir", str(delivery)]) == 1


def test_a_truncated_file_is_refused(delivery: Path) -> None:
    path = delivery / "kpr/kuhr_regninger.parquet"
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[: len(data) // 2])
    errors, _ = _lines(delivery)
    assert len(errors) == 1 and errors[0].startswith("ERROR kpr/kuhr_regninger.parquet: not readable as Parquet")


def test_an_empty_file_is_refused_unless_allowed(delivery: Path) -> None:
    _rewrite(delivery, "kpr/kuhr_regninger", "*", "limit 0")
    errors, _ = _lines(delivery)
    assert any(e.startswith("ERROR kpr/kuhr_regninger.parquet: empty file (0 rows)") for e in errors)
    assert any("manifest.json: refused: lists" in e and "kpr/kuhr_regninger.parquet, the file has 0" in e
               for e in errors)
    errors, warnings = _lines(delivery, allow_empty=True)
    assert not any("empty file" in e for e in errors)
    assert "WARNING kpr/kuhr_regninger.parquet: empty file, allowed by --allow-empty" in warnings


def test_renamed_lower_cased_and_extra_columns(delivery: Path) -> None:
    _rewrite(delivery, "kpr/kuhr_regninger",
             "* exclude (dato, KPR_lnr), dato as kontaktdato, KPR_lnr as kpr_lnr, 1 as ekstra")
    errors, warnings = _lines(delivery)
    assert [e.split(";")[0] for e in errors] == [
        "ERROR kpr/kuhr_regninger.parquet, column dato: missing column (expected date: date of the contact)"]
    assert ("WARNING kpr/kuhr_regninger.parquet, column KPR_lnr: found as 'kpr_lnr' (letter case differs; read "
            "case-insensitively)") in warnings
    assert "WARNING kpr/kuhr_regninger.parquet, column kontaktdato: unexpected column, ignored" in warnings
    assert "WARNING kpr/kuhr_regninger.parquet, column ekstra: unexpected column, ignored" in warnings


@pytest.mark.parametrize(("select", "expected"), [
    ("* replace (strftime(dato, '%d.%m.%Y') as dato)",
     "ERROR kpr/kuhr_regninger.parquet, column dato: expected a date, found text with"),
    ("* replace ('B' || cast(enkeltregning_lnr as varchar) as enkeltregning_lnr)",
     "ERROR kpr/kuhr_regninger.parquet, column enkeltregning_lnr: expected integer, found text with"),
    ("* replace (cast(kommuneNr as integer) as kommuneNr)",
     "ERROR kpr/kuhr_regninger.parquet, column kommuneNr: expected text, found INTEGER"),
    ("* replace (dato > date '2023-01-01' as dato)",
     "ERROR kpr/kuhr_regninger.parquet, column dato: expected date, found BOOLEAN: no safe cast"),
])
def test_a_type_that_cannot_be_cast_is_refused(delivery: Path, select: str, expected: str) -> None:
    _rewrite(delivery, "kpr/kuhr_regninger", select)
    errors, _ = _lines(delivery)
    assert [e for e in errors if e.startswith(expected)], errors


def test_sex_as_letters_is_refused_with_examples(delivery: Path) -> None:
    _rewrite(delivery, "ssb/persons", "* replace (case kjonn when 1 then 'M' when 2 then 'K' end as kjonn)")
    errors, _ = _lines(delivery)
    assert len(errors) == 1
    assert errors[0].startswith("ERROR ssb/persons.parquet, column kjonn: expected integer, found text with")
    assert "'K'" in errors[0] and "'M'" in errors[0]


@pytest.mark.parametrize(("select", "expected"), [
    ("* replace (cast(dato as varchar) as dato)", "column dato: ISO date as text: every value converts, cast safely"),
    ("* replace (cast(dato as timestamp) as dato)", "column dato: TIMESTAMP where a date is expected: cast safely"),
    ("* replace (cast(tjenestetype as varchar) as tjenestetype)",
     "column tjenestetype: integer as text: every value converts, cast safely"),
    ("* replace (ltrim(kommuneNr, '0') as kommuneNr)", "column kommuneNr: "),
])
def test_a_type_cast_safely_is_a_warning(delivery: Path, select: str, expected: str) -> None:
    _rewrite(delivery, "kpr/kuhr_regninger", select)
    errors, warnings = _lines(delivery)
    assert errors == []
    assert [w for w in warnings if w.startswith("WARNING kpr/kuhr_regninger.parquet, " + expected)], warnings


def test_lost_leading_zeros_and_unknown_codes_are_named(delivery: Path) -> None:
    _rewrite(delivery, "kpr/kuhr_regninger",
             "* replace (case when kommuneNr = '0301' then '301' when kommuneNr like '11%' then '9999' "
             "else kommuneNr end as kommuneNr)")
    _, warnings = _lines(delivery)
    assert [w for w in warnings if "codes of 3 digits, a lost leading zero (e.g. '301')" in w]
    assert [w for w in warnings if "codes in neither the 357 municipalities" in w and "'9999'" in w]


def test_a_delivery_in_parts_is_refused_by_name(delivery: Path) -> None:
    shutil.copy(delivery / "kpr/kuhr_takster.parquet", delivery / "kpr/kuhr_takster_del2.parquet")
    (delivery / "npr/notes.txt").write_text("hello")
    errors, _ = _lines(delivery)
    assert ("ERROR kpr/kuhr_takster_del2.parquet: refused: a delivery in parts must be combined into "
            "kpr/kuhr_takster.parquet before the build; it would otherwise be ignored") in errors
    assert [e for e in errors if e.startswith("ERROR npr/notes.txt: refused: not a file of the contract")]


@pytest.mark.parametrize(("manifest", "expected"), [
    ("{not json", "ERROR manifest.json: refused: does not parse as JSON"),
    (None, "ERROR manifest.json: refused: lists 1 rows for ssb/persons.parquet, the file has"),
    ('{"scale": 7, "rows": {}}', "ERROR manifest.json: refused: scale 7 is not a number in (0, 1]"),
])
def test_a_manifest_that_disagrees_is_refused(delivery: Path, manifest: str | None, expected: str) -> None:
    path = delivery / "manifest.json"
    if manifest is None:
        data = json.loads(path.read_text())
        data["rows"]["ssb/persons"] = 1
        manifest = json.dumps(data)
    path.unlink()
    path.write_text(manifest)
    errors, _ = _lines(delivery)
    assert [e for e in errors if e.startswith(expected)], errors


def test_every_problem_is_reported_at_once(delivery: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (delivery / "npr/phv.parquet").unlink()
    _rewrite(delivery, "ssb/residence", "* exclude (komm_nr)")
    assert main(["--raw-dir", str(delivery)]) == 1
    err = capsys.readouterr().err
    assert "ERROR npr/phv.parquet: missing file" in err
    assert "ERROR ssb/residence.parquet, column komm_nr: missing column" in err
    assert "REFUSED, 2 error(s)" in err


def test_a_warehouse_held_by_another_process_is_named(delivery: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); print('held', flush=True); "
        "time.sleep(30)"), str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        errors, _ = _lines(delivery, warehouse=warehouse)
        assert len(errors) == 1 and f"locked by process {holder.pid}" in errors[0]
        assert "close that session" in errors[0]
    finally:
        holder.kill()
        holder.wait()
    assert _lines(delivery, warehouse=warehouse)[0] == []


def test_docs_carry_the_contract_table() -> None:
    text = (REPO / "docs/extracts.md").read_text(encoding="utf-8")
    table = text[text.index(DOCS_START) + len(DOCS_START):text.index(DOCS_END)].strip()
    assert table == contract_table(load_contract()), "run `python -m extract_contract --write-docs docs/extracts.md`"

