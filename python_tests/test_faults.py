"""Faults: a damaged file is refused at the door by its checksum; a killed build, run again, gives the marts
of a clean build; a killed `make warehouse` leaves the previous warehouse byte for byte.

Needs the test build of `make test`: TEST_RAW_DIR (its extracts), TEST_WAREHOUSE (the clean build from them)
and TEST_MANIFEST (dbt's manifest of that build; run_results.json beside it holds the --vars it ran with).

The build tests cost about one build of the test scale: `make warehouse` killed once dbt has written the
first models, and a `dbt run` (the build's models; its tests only read the warehouse) over a copy of the
clean warehouse killed inside a model at about 40 % of its nodes, then run again to the end. That rerun
rebuilds every model over an existing one (the first 40 % as the killed build left them, the rest as the
clean build did), so it is also the second build in a row over a complete warehouse: its marts must equal
the clean build's (idempotent).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from deliveries import linked_delivery

from extract_contract.check import check_delivery
from extract_contract.cli import main as door
from python_checks.compare_marts import Table, differences, read_table

REPO = Path(__file__).resolve().parents[1]
RAW_DIR = Path(os.environ.get("TEST_RAW_DIR", REPO / "data/test/raw"))
WAREHOUSE = Path(os.environ.get("TEST_WAREHOUSE", REPO / "data/test/warehouse.duckdb"))
MANIFEST = Path(os.environ.get("TEST_MANIFEST", REPO / "data/test/target/manifest.json"))
DBT = REPO / ".venv/bin/dbt"
# The share of a build's nodes after which a model is killed, and how long that model must have run.
KILL_AFTER_SHARE = 0.4
KILL_INSIDE_SECONDS = 0.3


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(f"no {what} at {path}: run `make test`, which builds it and sets the TEST_* variables")
    return path


@pytest.fixture(scope="module")
def clean_raw() -> Path:
    return _need(RAW_DIR / "manifest.json", "test extracts").parent


# ---- checksums at the door ------------------------------------------------------------------------------

FILES = sorted(f"{name}.parquet" for name in json.loads((RAW_DIR / "manifest.json").read_text())["rows"]) \
    if (RAW_DIR / "manifest.json").exists() else []


@pytest.fixture()
def delivery(clean_raw: Path, tmp_path: Path) -> Path:
    """A copy of the test delivery: links to its files, its own manifest.json (with `sha256`)."""
    return linked_delivery(clean_raw, tmp_path / "raw", checksums=True)


def _errors(raw: Path) -> list[str]:
    return [str(problem) for problem in check_delivery(raw).errors]


def _drop_manifest_digests(raw: Path) -> None:
    manifest = json.loads((raw / "manifest.json").read_text())
    del manifest["sha256"]
    (raw / "manifest.json").write_text(json.dumps(manifest, indent=2))


def _sha256sum(folder: Path, files: list[str], *, tag: bool = False) -> str:
    """What the system's `sha256sum` (GNU coreutils) writes for `files`, run in `folder`: the registries' tool."""
    command = ["sha256sum", *(["--tag"] if tag else []), *files]
    return subprocess.run(command, cwd=folder, check=True, capture_output=True, text=True).stdout


def _flip_bytes_silently(path: Path) -> None:
    """Replace the link `path` by a copy with 4 bytes inverted near the middle (same size), at the first offset
    where DuckDB still reads every row without an error, only other values: the damage that builds without
    a word when no checksum is verified."""
    original = path.resolve().read_bytes()
    reference = duckdb.sql(f"select count(*), sum(hash(t)) from read_parquet('{path}') as t").fetchone()
    path.unlink()
    for step in range(200):
        damaged = bytearray(original)
        middle = len(damaged) // 2 + step * 997
        for i in range(4):
            damaged[middle + i] ^= 0xFF
        path.write_bytes(bytes(damaged))
        try:
            found = duckdb.sql(f"select count(*), sum(hash(t)) from read_parquet('{path}') as t").fetchone()
        except duckdb.Error:
            continue
        if found != reference and found is not None and found[0] == reference[0]:
            return
    pytest.fail(f"no offset near the middle of {path.name} reads without an error")


def test_the_generator_lists_every_file_with_its_sha256(clean_raw: Path) -> None:
    manifest = json.loads((clean_raw / "manifest.json").read_text())
    assert set(manifest["sha256"]) == set(manifest["rows"])
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256((clean_raw / f"{name}.parquet").read_bytes()).hexdigest() == digest, name


def test_correct_checksums_pass(delivery: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = check_delivery(delivery)
    assert report.errors == [] and report.checksum_sources == ["manifest.json"]
    assert sorted(report.verified) == FILES
    assert door(["--raw-dir", str(delivery)]) == 0
    assert f"sha256 of {len(FILES)} files verified against manifest.json (" in capsys.readouterr().out


@pytest.mark.parametrize("layout", ["SHA256SUMS", "SHA256SUMS per register", "*.sha256 per file, BSD tags"])
def test_a_registry_checksum_file_passes_and_is_verified(delivery: Path, layout: str) -> None:
    _drop_manifest_digests(delivery)
    if layout == "SHA256SUMS":
        (delivery / "SHA256SUMS").write_text(_sha256sum(delivery, FILES))
    elif layout == "SHA256SUMS per register":
        for register in sorted({file.split("/")[0] for file in FILES}):
            names = [file.split("/")[1] for file in FILES if file.startswith(register + "/")]
            (delivery / register / "SHA256SUMS").write_text(_sha256sum(delivery / register, names))
    else:
        for file in FILES:
            folder, name = (delivery / file).parent, Path(file).name
            (folder / f"{name}.sha256").write_text(_sha256sum(folder, [name], tag=True))
    report = check_delivery(delivery)
    assert report.errors == []
    assert sorted(report.verified) == FILES and "manifest.json" not in report.checksum_sources


def test_flipped_bytes_are_refused_by_the_checksum(delivery: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _flip_bytes_silently(delivery / "kpr/kuhr_regninger.parquet")
    assert door(["--raw-dir", str(delivery)]) == 1
    err = capsys.readouterr().err
    lines = [line.strip() for line in err.splitlines() if line.strip().startswith("ERROR")]
    expected, found = (json.loads((delivery / "manifest.json").read_text())["sha256"]["kpr/kuhr_regninger"],
                       hashlib.sha256((delivery / "kpr/kuhr_regninger.parquet").read_bytes()).hexdigest())
    assert lines == [(f"ERROR kpr/kuhr_regninger.parquet: checksum mismatch: expected sha256 {expected[:12]}... "
                      f"(listed in manifest.json), found {found[:12]}...: the file was damaged in transfer or "
                      "changed after it was checksummed; re-request the file")]
    assert "REFUSED, 1 error(s)" in err
    # Without the checksums the same file passes every other rule of the door: only they catch it.
    _drop_manifest_digests(delivery)
    assert _errors(delivery) == []
    # A registry's SHA256SUMS, written before the damage, catches it the same way.
    (delivery / "SHA256SUMS").write_text(_sha256sum(delivery, FILES).replace(found, expected))
    assert _errors(delivery) == [lines[0].replace("(listed in manifest.json)", "(listed in SHA256SUMS)")]


def test_a_damaged_page_without_checksums_is_named_not_a_traceback(delivery: Path) -> None:
    """Without checksums most flipped bytes pass unseen (above); some break a page the door's value scans
    read (municipality codes here), which must be an error naming the file, never a DuckDB traceback."""
    _drop_manifest_digests(delivery)
    path = delivery / "ssb/residence.parquet"
    original = path.resolve().read_bytes()
    chunk = pq.read_metadata(path).row_group(0).column(2)  # komm_nr, which the door scans
    assert chunk.path_in_schema == "komm_nr"
    path.unlink()
    for step in range(1, 40):
        damaged = bytearray(original)
        offset = chunk.data_page_offset + chunk.total_compressed_size * step // 40
        for i in range(8):
            damaged[offset + i] ^= 0xFF
        path.write_bytes(bytes(damaged))
        errors = _errors(delivery)
        if errors:
            assert len(errors) == 1 and errors[0].startswith(
                "ERROR ssb/residence.parquet: damaged: its values cannot be read ("), errors
            assert errors[0].endswith("); re-request the file")
            return
    pytest.fail("no damaged offset in the municipality codes of ssb/residence.parquet broke their page")


@pytest.mark.parametrize(("line", "expected"), [
    ("garbage", "line 2 is not a sha256sum line ('<64 hex digits>  <file>'): 'garbage'"),
    ("d41d8cd98f00b204e9800998ecf8427e  npr/phv.parquet", "line 2 holds an MD5 digest, not SHA-256"),
    ("{digest} npr/phv.parquet", "line 2 is not a sha256sum line"),  # one space: not sha256sum's format
    ("{digest}  ../raw/npr/phv.parquet", "line 2 names '../raw/npr/phv.parquet', outside the folder"),
])
def test_a_malformed_checksum_line_is_refused_by_name(delivery: Path, line: str, expected: str) -> None:
    digest = hashlib.sha256((delivery / "npr/phv.parquet").read_bytes()).hexdigest()
    text = _sha256sum(delivery, FILES)
    first, rest = text.split("\n", 1)
    (delivery / "SHA256SUMS").write_text(first + "\n" + line.format(digest=digest) + "\n" + rest)
    errors = _errors(delivery)
    assert [e for e in errors if e.startswith(f"ERROR SHA256SUMS: refused: {expected}")], errors
    assert door(["--raw-dir", str(delivery)]) == 1


def test_a_listed_file_that_is_missing_and_an_unlisted_file_are_refused(delivery: Path) -> None:
    _drop_manifest_digests(delivery)
    listed = [file for file in FILES if file != "npr/phbu.parquet"]
    (delivery / "SHA256SUMS").write_text(_sha256sum(delivery, listed) + f"{'0' * 64}  ssb/notes.txt\n")
    (delivery / "npr/phv.parquet").unlink()
    assert sorted(_errors(delivery)) == [
        ("ERROR npr/phbu.parquet: not listed in SHA256SUMS: the delivery's checksums do not cover this file, so "
         "damage in transfer cannot be ruled out; re-request the file with its checksum"),
        "ERROR npr/phv.parquet: missing file (expected one row per adult mental health care episode (PHV))",
        "ERROR ssb/notes.txt: missing: listed in SHA256SUMS but not in the delivery; re-request the file",
    ]


def test_checksums_cover_their_register_only(delivery: Path) -> None:
    """A register folder's SHA256SUMS covers that register: a file of it left out is refused; a register
    without any checksum file, where others have one, is a warning."""
    _drop_manifest_digests(delivery)
    ssb = [file.split("/")[1] for file in FILES if file.startswith("ssb/")]
    (delivery / "ssb/SHA256SUMS").write_text(_sha256sum(delivery / "ssb", ssb))
    kpr = [file.split("/")[1] for file in FILES if file.startswith("kpr/") and file != "kpr/kuhr_takster.parquet"]
    (delivery / "kpr/SHA256SUMS").write_text(_sha256sum(delivery / "kpr", kpr))
    report = check_delivery(delivery)
    assert [str(e) for e in report.errors] == [
        ("ERROR kpr/kuhr_takster.parquet: not listed in kpr/SHA256SUMS: the delivery's checksums do not cover "
         "this file, so damage in transfer cannot be ruled out; re-request the file with its checksum")]
    npr = len([file for file in FILES if file.startswith("npr/")])
    assert [str(w) for w in report.warnings] == [
        (f"WARNING npr/: no checksum file (SHA256SUMS or *.sha256) for this register, where the delivery has "
         f"kpr/SHA256SUMS, ssb/SHA256SUMS: its {npr} files are not verified")]
    assert sorted(report.verified) == sorted(f"{register}/{name}" for register, names in (("ssb", ssb), ("kpr", kpr))
                                             for name in names)


# ---- kill, rerun, compare -------------------------------------------------------------------------------

# The comparison of two builds' marts (doubles to within the parallel-sum noise, everything else exactly) is
# python_checks/compare_marts.py's, which says why.
Relations = list[tuple[str, str, str, int]]


def read_warehouse(path: Path) -> tuple[dict[str, Table], Relations]:
    """Every mart, and every relation of the warehouse (schema, name, type, rows of a table), read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        listed = con.execute("select table_schema, table_name, table_type from information_schema.tables "
                             "where table_catalog = current_database() order by all").fetchall()
        relations = [(schema, name, kind, con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
                      if kind == "BASE TABLE" else -1) for schema, name, kind in listed]
        marts = {name: read_table(con, schema, name) for schema, name, _ in listed if schema == "marts"}
    return marts, relations


def test_the_comparison_sees_every_cell_and_no_row_order() -> None:
    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute("create table marts.a as select i as id, i % 3 as grp, i / 7 as rate, 'x' || i as label "
                    "from range(50) as r(i)")
        base = read_table(con, "marts", "a")
        shuffle = "create or replace table marts.b as select * from marts.a order by random()"
        con.execute(shuffle)
        assert differences(base, read_table(con, "marts", "b")) == []
        con.execute(shuffle)
        con.execute("update marts.b set rate = nextafter(rate, 1e9) where id = 17")  # the last bit of a double
        con.execute("update marts.b set rate = rate + 1e-12 where id = 18")  # the 12th digit of a rounded double
        assert differences(base, read_table(con, "marts", "b")) == []
        changes = [
            "update marts.b set rate = rate * (1 + 1e-8) where id = 17",  # one double, in its 9th digit
            "update marts.b set label = null where id = 3",
            "update marts.b set grp = 2 where id = 0",
            "update marts.b set id = 50 where id = 49",
            "delete from marts.b where id = 49",
            "delete from marts.b where id = 2; insert into marts.b select * from marts.a where id = 1",  # a row
            # duplicated in place of another
            "alter table marts.b rename column label to name",
            "alter table marts.b alter rate type float",
        ]
        for change in changes:
            con.execute(shuffle)
            con.execute(change)
            assert differences(base, read_table(con, "marts", "b")) != [], change


@pytest.fixture(scope="module")
def clean() -> tuple[dict[str, Table], Relations]:
    marts, relations = read_warehouse(_need(WAREHOUSE, "clean test warehouse"))
    assert len(marts) >= 10, f"only {len(marts)} marts in {WAREHOUSE}"
    return marts, relations


@pytest.fixture(scope="module")
def dbt_vars() -> str:
    results = _need(MANIFEST, "dbt manifest of the test build").parent / "run_results.json"
    return json.dumps(json.loads(_need(results, "run_results.json of the test build").read_text())["args"]["vars"])


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


NODE = re.compile(r"\b(\d+) of (\d+) (START|OK|PASS|ERROR|FAIL|WARN|SKIP)\b(.*)")


class Build:
    """A command (dbt build, or make warehouse) in its own process group, its output read line by line."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log.open("w", encoding="utf-8")
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.finished: dict[int, str] = {}  # node -> status of every node line read (START excluded)
        self.total = 0
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.write(line)
            self.lines.put(line)
        self.lines.put(None)

    def nodes(self, timeout: float | None = None) -> Iterator[tuple[int, int, str, str] | None]:
        """(index, total, status, rest) per node line of dbt; None when `timeout` passes without a line."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                yield None
                continue
            if line is None:
                return
            match = NODE.search(re.sub(r"\x1b\[[0-9;]*m", "", line))
            if match:
                index, self.total, status = int(match.group(1)), int(match.group(2)), match.group(3)
                if status != "START":
                    self.finished[index] = status
                yield index, self.total, status, match.group(4)

    def kill(self) -> int:
        os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(timeout=60)

    def finish(self, timeout: float = 900) -> int:
        code = self.process.wait(timeout=timeout)
        for _ in self.nodes():  # drain the output into the log
            pass
        self.log.close()
        return code


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a build: its own dbt target and log folders, and no make variables of an outer make
    (`make test`), which a `make warehouse` inside would otherwise inherit."""
    outer = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    env = {name: value for name, value in os.environ.items() if name not in outer}
    return {**env, "DBT_TARGET_PATH": str(tmp / "target"), "DBT_LOG_PATH": str(tmp / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1", **extra}


def _dbt_run(tmp: Path, warehouse: Path, dbt_vars: str, log: str) -> Build:
    """`dbt run`: the models of a build without its data and unit tests, which only read the warehouse, so a
    kill and a rerun leave the file as a build's would, in a third less time."""
    return Build([str(DBT), "run", "--profiles-dir", ".", "--project-dir", ".", "--vars", dbt_vars],
                 _env(tmp, RAW_DIR=str(RAW_DIR), WAREHOUSE=str(warehouse)), tmp / log)


def _kill_inside_a_model(build: Build, share: float) -> tuple[int, int, str]:
    """SIGKILL the build's process group while a model started after `share` of the nodes is still running
    (no OK line for KILL_INSIDE_SECONDS); returns (node, total, model)."""
    running: tuple[int, int, str] | None = None
    for node in build.nodes(timeout=KILL_INSIDE_SECONDS):
        if node is None:
            if running is not None:
                assert build.kill() == -signal.SIGKILL
                return running
            continue
        index, total, status, rest = node
        if status == "START" and " model " in rest and index >= share * total:
            running = (index, total, rest.split(" model ")[1].split()[0])
        elif running is not None and index == running[0]:
            running = None  # it finished within KILL_INSIDE_SECONDS: wait for the next model
    pytest.fail(f"the build ended (exit {build.finish()}) before a model ran {KILL_INSIDE_SECONDS} s after "
                f"{share:.0%} of its nodes; see {build.log.name}")


def test_a_killed_build_run_again_gives_the_marts_of_a_clean_build(
        tmp_path: Path, clean: tuple[dict[str, Table], Relations], dbt_vars: str) -> None:
    clean_marts, clean_relations = clean
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(WAREHOUSE, warehouse)

    killed = _dbt_run(tmp_path, warehouse, dbt_vars, "killed.log")
    index, total, model = _kill_inside_a_model(killed, KILL_AFTER_SHARE)
    killed.finish()
    wal = warehouse.with_suffix(".duckdb.wal")
    print(f"killed inside node {index} of {total} ({model}), {len(killed.finished)} nodes done; WAL left: "
          f"{wal.exists()}")
    assert wal.exists() or _sha256(warehouse) != _sha256(WAREHOUSE), "the killed build wrote nothing"

    rerun = _dbt_run(tmp_path, warehouse, dbt_vars, "rerun.log")
    assert rerun.finish() == 0, f"the rerun failed; see {rerun.log.name}"
    assert sorted(rerun.finished) == list(range(1, total + 1)) and set(rerun.finished.values()) <= {"OK"}
    marts, relations = read_warehouse(warehouse)
    # The same relations with the same row counts: nothing left over from the killed build (__dbt_tmp,
    # __dbt_backup), nothing missing.
    assert relations == clean_relations
    different = {name: differences(table, marts[name]) for name, table in clean_marts.items()}
    assert {name: lines for name, lines in different.items() if lines} == {}


def test_a_killed_make_warehouse_leaves_the_previous_warehouse_byte_identical(tmp_path: Path, dbt_vars: str) -> None:
    previous = tmp_path / "warehouse.duckdb"
    shutil.copy(WAREHOUSE, previous)
    before = _sha256(previous)
    make = Build(["make", "--no-print-directory", "-o", "install", "warehouse", f"WAREHOUSE={previous}",
                  f"RAW_DIR={RAW_DIR}", f"DBT_VARS={dbt_vars}", f"BI_DIR={tmp_path / 'bi'}",
                  f"GX_DOCS={tmp_path / 'gx_docs'}"], _env(tmp_path), tmp_path / "make.log")
    created = 0
    for node in make.nodes():
        if node is not None and node[2] == "OK" and " model " in node[3]:
            created += 1
            if created == 3:  # dbt has written models into the new file
                assert make.kill() == -signal.SIGKILL
                break
    make.finish()
    assert created == 3, f"make warehouse ended before dbt created 3 models; see {make.log.name}"
    assert _sha256(previous) == before
    assert not previous.with_suffix(".duckdb.wal").exists()
    assert (tmp_path / ".building" / "warehouse.duckdb").exists(), "the killed build wrote no new file"
    assert not (tmp_path / "bi").exists()


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
