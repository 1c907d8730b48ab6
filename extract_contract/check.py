"""The door: every file of a delivery checked against the contract (contract.yml) before any model runs.

Every problem is collected and reported at once, one line each, naming the file, the column, what was
expected and what was found. Errors stop the build (nothing is built); warnings say what staging will do
(a safe cast, an ignored column, rows it will audit).

Only metadata is read, except where a value decides: text that must convert to an integer or a date, and
municipality codes. Those are one aggregate query per file. Where the delivery lists SHA-256 checksums
(SHA256SUMS, *.sha256, manifest.json's `sha256`), every file is hashed first (checksums.py), and a file
whose content is not what was listed is refused without reading it further.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from extract_contract.checksums import is_checksum_file, verify_checksums

PROJECT_DIR = Path(__file__).resolve().parents[1]
SEEDS_DIR = PROJECT_DIR / "seeds"


@dataclass(frozen=True)
class Problem:
    severity: str  # "ERROR" or "WARNING"
    file: str
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f", column {self.column}" if self.column else "")
        return f"{self.severity} {where}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    checksum_sources: list[str] = field(default_factory=list)  # checksum files found (and manifest.json)
    verified: list[str] = field(default_factory=list)  # files whose listed checksums matched
    checksum_seconds: float = 0.0  # time spent hashing the files

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "ERROR"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "WARNING"]

    def error(self, file: str, column: str | None, message: str) -> None:
        self.problems.append(Problem("ERROR", file, column, message))

    def warning(self, file: str, column: str | None, message: str) -> None:
        self.problems.append(Problem("WARNING", file, column, message))


def load_contract() -> dict[str, Any]:
    text = resources.files("extract_contract").joinpath("contract.yml").read_text(encoding="utf-8")
    contract: dict[str, Any] = yaml.safe_load(text)
    return contract


def known_municipality_codes(seeds_dir: Path = SEEDS_DIR) -> set[str]:
    with (seeds_dir / "municipalities_2024.csv").open(encoding="utf-8") as handle:
        codes = {row["municipality_code"] for row in csv.DictReader(handle)}
    with (seeds_dir / "municipality_code_changes.csv").open(encoding="utf-8") as handle:
        codes |= {row["old_municipality_code"] for row in csv.DictReader(handle)}
    return codes


def _family(duckdb_type: str) -> str:
    """The contract's type family of a column as DuckDB reads it from Parquet (dictionary-encoded text, as
    pandas writes categories, is text)."""
    if duckdb_type in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                       "UBIGINT"):
        return "integer"
    if duckdb_type == "VARCHAR":
        return "text"
    if duckdb_type == "DATE":
        return "date"
    if duckdb_type.startswith("TIMESTAMP"):
        return "timestamp"
    if duckdb_type == "BOOLEAN":
        return "boolean"
    return duckdb_type


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _examples(values: list[Any] | None) -> str:
    shown = [repr(v) for v in (values or []) if v is not None][:3]
    return ", ".join(shown) if shown else "none shown"


def check_delivery(raw_dir: Path, *, allow_empty: bool = False, person_id_type: str = "bigint",
                   contract: dict[str, Any] | None = None, warehouse: Path | None = None) -> Report:
    contract = contract or load_contract()
    files: dict[str, Any] = contract["files"]
    report = Report()
    if warehouse is not None:
        check_warehouse_free(warehouse, report)
    if not raw_dir.is_dir():
        report.error(str(raw_dir), None, "the extracts folder does not exist (RAW_DIR)")
        return report
    _check_unknown_files(raw_dir, files, report)
    damaged = verify_checksums(raw_dir, [f"{name}.parquet" for name in files], report)
    municipality_codes = known_municipality_codes()
    for name, spec in files.items():
        if f"{name}.parquet" in damaged:  # refused above; its bytes are not what was delivered
            continue
        _check_file(raw_dir, name, spec, report, allow_empty=allow_empty, person_id_type=person_id_type,
                    municipality_codes=municipality_codes)
    _check_manifest(raw_dir, report)
    return report


def _check_unknown_files(raw_dir: Path, files: dict[str, Any], report: Report) -> None:
    registers = {name.split("/")[0] for name in files}
    for register in sorted(registers):
        folder = raw_dir / register
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            name = f"{register}/{path.stem}"
            if (path.suffix == ".parquet" and name in files) or is_checksum_file(path):
                continue
            part_of = next((known for known in files if name.startswith(known + "_")), None)
            hint = (f"a delivery in parts must be combined into {part_of}.parquet before the build"
                    if part_of else "not a file of the contract (extract_contract/contract.yml)")
            report.error(f"{register}/{path.name}", None, f"refused: {hint}; it would otherwise be ignored")


def _check_file(raw_dir: Path, name: str, spec: dict[str, Any], report: Report, *, allow_empty: bool,
                person_id_type: str, municipality_codes: set[str]) -> None:
    path = raw_dir / f"{name}.parquet"
    label = f"{name}.parquet"
    if not path.exists():
        report.error(label, None, f"missing file (expected one row per {spec['one_row_per']})")
        return
    try:
        metadata = pq.read_metadata(path)
        described = duckdb.sql(f"describe select * from read_parquet('{path}')").fetchall()
    except (pa.ArrowException, OSError, duckdb.Error) as error:
        report.error(label, None, f"not readable as Parquet (truncated or damaged?): {error}")
        return
    report.rows[name] = metadata.num_rows
    if metadata.num_rows == 0:
        if allow_empty:
            report.warning(label, None, "empty file, allowed by --allow-empty")
        else:
            report.error(label, None, "empty file (0 rows): a delivery without rows must be passed with "
                                      "--allow-empty (make warehouse ALLOW_EMPTY=1)")
    found = {str(row[0]): str(row[1]) for row in described}
    by_lower = {column.lower(): column for column in found}
    expected: dict[str, Any] = spec["columns"]
    scans: list[tuple[str, str, str]] = []  # (contract column, found column, kind of scan)
    municipality_columns: list[tuple[str, str]] = []  # (contract column, found column)
    for column, rule in expected.items():
        actual = column if column in found else by_lower.get(column.lower())
        if actual is None:
            report.error(label, column, f"missing column (expected {rule['type']}: {rule['description']}); "
                                        f"found columns: {', '.join(found)}")
            continue
        if actual != column:
            report.warning(label, column, f"found as {actual!r} (letter case differs; read case-insensitively)")
        scans += _check_type(label, column, actual, rule, _family(found[actual]), found[actual], report,
                             person_id_type=person_id_type)
        if rule.get("municipality") and metadata.num_rows:
            municipality_columns.append((column, actual))
    expected_lower = {column.lower() for column in expected}
    for column in found:
        if column.lower() not in expected_lower:
            report.warning(label, column, "unexpected column, ignored")
    text_columns = [column for column in found if _family(found[column]) == "text"]
    try:
        if metadata.num_rows and not _check_text_encoding(path, label, text_columns, report):
            return  # DuckDB cannot read the file's text: scanning its values would only fail again
        for column, actual in municipality_columns:
            _check_municipality_codes(path, label, column, actual, report, municipality_codes)
        if scans and metadata.num_rows:
            _scan_values(path, label, scans, expected, report)
    except (duckdb.Error, pa.ArrowException, OSError) as error:  # a damaged page: the metadata read, the values do not
        report.error(label, None, f"damaged: its values cannot be read ({str(error).splitlines()[0]}); re-request "
                                  "the file")


def _check_text_encoding(path: Path, label: str, columns: list[str], report: Report) -> bool:
    """Text must be valid UTF-8: DuckDB (and Spark) refuse to read a file with one invalid value, so no
    model could audit the row; the registry must re-export it (e.g. Latin-1 text converted to UTF-8).
    Validated by Arrow, batch by batch (about 0.2 s per 10 million values); rows are located only in a
    batch that fails. Returns whether every value is valid."""
    if not columns:
        return True
    bad: dict[str, list[int]] = {}
    offset = 0
    for batch in pq.ParquetFile(path).iter_batches(columns=columns, batch_size=1 << 20):
        for name, values in zip(columns, batch.columns, strict=True):
            try:
                values.validate(full=True)
            except pa.ArrowInvalid:
                bad.setdefault(name, []).extend(offset + row for row in _invalid_utf8_rows(values))
        offset += batch.num_rows
    for name, rows in bad.items():
        shown = ", ".join(f"{row + 1:,}" for row in rows[:5])
        values = "1 value is" if len(rows) == 1 else f"{len(rows):,} values are"
        report.error(label, name, f"{values} not valid UTF-8 text (row{'s' if len(rows) > 1 else ''} {shown}"
                                  f"{', ...' if len(rows) > 5 else ''}): no engine reads the file; ask the registry "
                                  "to re-export it as UTF-8")
    return not bad


def _invalid_utf8_rows(values: pa.Array) -> list[int]:
    """The 0-based rows of one failing batch whose text is not UTF-8 (the error path only)."""
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    rows = []
    for row, raw in enumerate(values.view(pa.binary()).to_pylist()):
        if raw is None:
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            rows.append(row)
    return rows


def _check_type(label: str, column: str, actual: str, rule: dict[str, Any], family: str, found_type: str,
                report: Report, *, person_id_type: str) -> list[tuple[str, str, str]]:
    wanted = rule["type"]
    if rule.get("person_id") and person_id_type != "bigint" and family in ("text", "integer"):
        return []
    if family == wanted:
        return [(column, actual, "allowed")] if rule.get("allowed") else []
    if wanted == "integer" and family == "text":
        return [(column, actual, "integer_text")]
    if wanted == "date" and family == "text":
        return [(column, actual, "date_text")]
    if wanted == "date" and family == "timestamp":
        report.warning(label, column, f"{found_type} where a date is expected: cast safely to DATE (time dropped)")
        return []
    if wanted == "text" and family == "integer":
        report.error(label, column, f"expected text, found {found_type}: codes with leading zeros (0301, 000) "
                                    "cannot survive an integer column; deliver it as text")
        return []
    report.error(label, column, f"expected {wanted}, found {found_type}: no safe cast")
    return []


# Text that staging casts to another type: the rule a value must pass, and what the column must be.
TEXT_CASTS = {
    "integer_text": ("try_cast({value} as bigint) is null", "integer", "integers", "integer as text"),
    "date_text": ("try_strptime({value}, '%Y-%m-%d') is null", "a date", "ISO dates YYYY-MM-DD", "ISO date as text"),
}


def _scan_values(path: Path, label: str, scans: list[tuple[str, str, str]], expected: dict[str, Any],
                 report: Report) -> None:
    """One aggregate query over the file: per scanned column, the rows that break its rule and examples."""
    selects: dict[str, str] = {}  # alias -> aggregate
    for index, (column, actual, kind) in enumerate(scans):
        value = f"trim(cast({_quote(actual)} as varchar))"
        if kind in TEXT_CASTS:
            is_bad = f"{value} <> '' and " + TEXT_CASTS[kind][0].format(value=value)
        else:  # allowed values
            allowed = ", ".join(str(v) for v in expected[column]["allowed"])
            is_bad = f"{_quote(actual)} not in ({allowed})"
        selects[f"bad_{index}"] = f"count(*) filter (where {is_bad})"
        selects[f"examples_{index}"] = f"list(distinct {value}) filter (where {is_bad})[1:3]"
    listed = ", ".join(f"{aggregate} as {alias}" for alias, aggregate in selects.items())
    row = duckdb.sql(f"select count(*), {listed} from read_parquet('{path}')").fetchone()
    assert row is not None
    total = int(row[0])
    result = dict(zip(selects, row[1:], strict=True))
    for index, (column, _actual, kind) in enumerate(scans):
        bad = int(result[f"bad_{index}"])
        examples = _examples(result[f"examples_{index}"])
        if kind in TEXT_CASTS:
            _, wanted, valid, safe = TEXT_CASTS[kind]
            if bad:
                report.error(label, column, f"expected {wanted}, found text with {bad:,} of {total:,} values that "
                                            f"are not {valid} (e.g. {examples})")
            else:
                report.warning(label, column, f"{safe}: every value converts, cast safely")
        elif bad:
            report.warning(label, column, f"{bad:,} rows outside {expected[column]['allowed']} (e.g. {examples}): "
                                          "staging audits or keeps them as unknown")


def _check_municipality_codes(path: Path, label: str, column: str, actual: str, report: Report,
                              municipality_codes: set[str]) -> None:
    counts = duckdb.sql(f"select trim(cast({_quote(actual)} as varchar)) as code, count(*) from read_parquet('{path}') "
                        "group by all").fetchall()
    short = {code: rows for code, rows in counts if code and len(code) == 3 and code.isdigit()}
    unknown = {code: rows for code, rows in counts if code and code.zfill(4) not in municipality_codes}
    if short:
        report.warning(label, column, f"{sum(short.values()):,} codes of 3 digits, a lost leading zero (e.g. "
                                      f"{_examples(sorted(short))}): staging pads them to 4")
    if unknown:
        report.warning(label, column, f"{sum(unknown.values()):,} rows with codes in neither the 357 municipalities "
                                      f"of 2024 nor their historic codes (e.g. {_examples(sorted(unknown))}): staging "
                                      "rejects them as 'unknown municipality code' (audited)")


def check_warehouse_free(warehouse: Path, report: Report) -> None:
    """A build needs the warehouse file to itself: a BI tool, a notebook or another build holding it (even
    read-only) would make dbt fail deep inside the build with a DuckDB traceback."""
    if not warehouse.exists():
        return
    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.IOException as error:
        holder = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", str(error))
        who = f"process {holder.group(2)} ({holder.group(1)})" if holder else "another process"
        report.error(str(warehouse), None, f"locked by {who}: close that session (a BI tool, a notebook or another "
                                           "build; BI tools should open the BI export instead), or wait for it, "
                                           "then run again")


def _check_manifest(raw_dir: Path, report: Report) -> None:
    path = raw_dir / "manifest.json"
    if not path.exists():
        return
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        report.error("manifest.json", None, f"refused: does not parse as JSON ({error})")
        return
    if not isinstance(manifest, dict):
        report.error("manifest.json", None, "refused: not a JSON object")
        return
    scale = manifest.get("scale")
    if not isinstance(scale, int | float) or not 0 < float(scale) <= 1:
        report.error("manifest.json", None, f"refused: scale {scale!r} is not a number in (0, 1]")
    rows = manifest.get("rows")
    if not isinstance(rows, dict):
        report.error("manifest.json", None, "refused: no `rows` object (rows per file)")
        return
    for name, listed in sorted(rows.items()):
        if name in report.rows and report.rows[name] != listed:
            report.error("manifest.json", None, f"refused: lists {listed:,} rows for {name}.parquet, the file has "
                                                f"{report.rows[name]:,}")
