"""The bad-input corpus: damaged deliveries derived from the test extracts, each with its exact outcome
(issue 15).

Every case copies the clean delivery of `make test` (TEST_RAW_DIR; unchanged files are links), damages it in
one way a real extract can be damaged, and asserts one of two outcomes:

- refused at the door (python -m extract_contract, which `make warehouse` runs before any model): exit 1
  and the line naming the file, the column and the rule;
- built: the door lets it through, and the models from the damaged files to the audit build on a copy of
  the clean build (TEST_WAREHOUSE) with both conservation tests passing (every raw row staged or rejected;
  every linked row used or audited); the audit differs from the clean build's by exactly the rows the damage
  should add, under their reasons. Who is affected is worked out from the clean build (its staged rows), not
  from the damaged one.

One case builds every model downstream of harmless damage (safe casts, letter case, extra columns, lost
leading zeros, whitespace, episodes without a discharge date) and asserts every mart equals the clean build's.

All builds run in one dbt process (dbtRunner) on one scratch warehouse: RAW_DIR is a link that each case
points at its own delivery, so dbt's partial parsing keeps working across cases.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deliveries import linked_delivery

from extract_contract.check import check_delivery

REPO = Path(__file__).resolve().parents[1]
CLEAN_RAW = Path(os.environ.get("TEST_RAW_DIR", REPO / "data/test/raw"))
CLEAN_WAREHOUSE = Path(os.environ.get("TEST_WAREHOUSE", REPO / "data/test/warehouse.duckdb"))
# The test build's scaled thresholds (Makefile TEST_DBT_VARS), so that the harmless case's marts compare with it.
THRESHOLD = "{municipality_min_settled_ukrainian_refugees: 4, min_country_persons: 2}"
# Row conservation: every raw row staged or rejected, every linked row used or audited.
CONSERVATION_TESTS = ["assert_every_raw_row_is_staged_or_rejected", "assert_every_linked_row_is_used_or_audited"]

AuditCounts = Counter[tuple[str, str]]
# The base model of each file: a case rebuilds the models from the files it damaged to the audit.
BASE_MODELS = {
    "ssb/persons": "base_ssb__persons",
    "ssb/residence": "base_ssb__residences",
    "kpr/kuhr_regninger": "base_kpr__bills",
    "kpr/kuhr_takster": "base_kpr__bill_tariffs",
    "kpr/kuhr_diagnoser": "base_kpr__bill_diagnoses",
    "kpr/hom_vedtak": "base_kpr__home_care_decisions",
    "npr/somatikk": "base_npr__somatic_episodes",
    "npr/phv": "base_npr__adult_mental_health_episodes",
    "npr/phbu": "base_npr__child_mental_health_episodes",
}


# ----------------------------------------------------------------------------------------------- harness
class Corpus:
    """One scratch warehouse, one dbt runner, deliveries made from the clean one."""

    def __init__(self, work: Path) -> None:
        from dbt.cli.main import dbtRunner

        self.work = work
        self.raw_link = work / "raw"
        self.warehouse = work / "warehouse.duckdb"
        # The clean build's copy keeps the file name: views name their database by it.
        self.baseline = work / "clean" / self.warehouse.name
        self.runner = dbtRunner()
        self.flags = ["--profiles-dir", str(REPO), "--project-dir", str(REPO), "--target-path", str(work / "target"),
                      "--log-path", str(work / "logs"), "--vars", THRESHOLD, "--threads", "2", "-q"]
        self.cases = 0

    def delivery(self, name: str) -> Path:
        return linked_delivery(CLEAN_RAW, self.work / "deliveries" / name, checksums=False)


    def build(self, raw: Path, *, marts: bool = False) -> list[str]:
        """Builds `raw` into a copy of the clean build: the models from the files the case damaged (those
        that are no longer links) to the audit and the two conservation tests, or with `marts` every model
        downstream of them (without their tests: the marts are compared instead). Returns the nodes that
        did not pass."""
        if self.raw_link.is_symlink():
            self.raw_link.unlink()
        self.raw_link.symlink_to(raw)
        copy = self.warehouse.with_suffix(".copy")
        shutil.copyfile(self.baseline, copy)
        os.replace(copy, self.warehouse)
        damaged = [model for name, model in BASE_MODELS.items()
                   if (raw / f"{name}.parquet").is_file() and not (raw / f"{name}.parquet").is_symlink()]
        assert damaged, f"no damaged file in {raw}"
        if marts:
            args = ["run", *self.flags, "--select", *(f"{model}+" for model in damaged)]
        else:
            args = ["build", *self.flags, "--indirect-selection", "empty", "--select",
                    *(f"{model}+,+int_staging_rejections" for model in damaged), *CONSERVATION_TESTS]
        result = self.runner.invoke(args)
        self.release()
        if result.exception is not None:
            raise result.exception
        return [f"{r.node.unique_id}: {r.status} {r.message}" for r in result.result
                if str(r.status) not in ("success", "pass")]

    def release(self) -> None:
        """Closes the DuckDB database dbt-duckdb keeps open in this process after a run, as a dbt process does
        when it exits: until then the file cannot be read (read-only) or replaced."""
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            if DuckDBConnectionManager._ENV is not None:
                DuckDBConnectionManager._ENV.close()
                DuckDBConnectionManager._ENV = None
        duckdb.connect(str(self.warehouse), read_only=True).close()  # fails loudly if it is still held

    def audit(self) -> AuditCounts:
        return audit_counts(self.warehouse)


def audit_counts(warehouse: Path) -> AuditCounts:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.sql("select source_name, rejection_reason, count(*) from intermediate.int_staging_rejections "
                       "group by all").fetchall()
    return Counter({(name, reason): int(n) for name, reason, n in rows})


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


def rewrite(raw: Path, name: str, sql: str) -> None:
    """Replaces raw/<name>.parquet (a link to the clean file) by the result of `sql`, in which `src` is the
    clean file with its 0-based `file_row_number`."""
    path = raw / f"{name}.parquet"
    source = path.resolve()
    path.unlink()
    with duckdb.connect() as con:
        con.sql(f"create view src as select * from read_parquet('{source}', file_row_number = true)")
        con.sql(f"copy ({sql}) to '{path}' (format parquet)")
    (raw / "manifest.json").unlink(missing_ok=True)  # the clean manifest no longer describes the delivery


def run_door(raw: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """The door as `make warehouse` runs it (its exit status decides whether anything is built)."""
    return subprocess.run([sys.executable, "-m", "extract_contract", "--raw-dir", str(raw), *flags],
                          check=False, cwd=REPO, capture_output=True, text=True)


def id_list(values: list[int]) -> str:
    return ", ".join(str(v) for v in values) or "null"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    if not (CLEAN_RAW / "manifest.json").exists() or not CLEAN_WAREHOUSE.exists():
        pytest.fail(f"no test build in {CLEAN_RAW} / {CLEAN_WAREHOUSE}: run `make test`")
    saved = {key: os.environ.get(key) for key in ("RAW_DIR", "WAREHOUSE", "DBT_PROJECT_DIR")}
    work = tmp_path_factory.mktemp("corpus")
    corpus = Corpus(work)
    os.environ.update(RAW_DIR=str(corpus.raw_link), WAREHOUSE=str(corpus.warehouse), DBT_PROJECT_DIR=str(REPO))
    try:
        # The clean build is make test's (same extracts, same code); each case starts from a copy of it.
        corpus.baseline.parent.mkdir()
        shutil.copyfile(CLEAN_WAREHOUSE, corpus.baseline)
        yield corpus
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# --------------------------------------------------------------------------------------- the clean oracle
def refugees(corpus: Corpus, n: int, skip: int = 0) -> list[int]:
    """n staged recent refugees of the clean build with at least one accepted bill (deterministic)."""
    rows = query(corpus.baseline, f"""
        select persons.person_id from staging.stg_ssb__persons as persons
        where persons.settlement_date >= date '2022-04-01' and persons.is_refugee
          and persons.person_id in (select person_id from intermediate.int_bills_classified
                                    where rejection_reason is null)
        order by persons.person_id limit {n} offset {skip}""")
    return [int(r[0]) for r in rows]


def rows_of_persons(corpus: Corpus, person_ids: list[int]) -> AuditCounts:
    """The rows that depend on these persons in the clean build: each is audited 'person rejected' once the
    persons are rejected (bills: those accepted by classification; the rest were audited already)."""
    linked = {
        "ssb.residence": "staging.stg_ssb__residences where true",
        "kpr.kuhr_regninger": "intermediate.int_bills_classified where rejection_reason is null",
        "kpr.hom_vedtak": "staging.stg_kpr__home_care_decisions where true",
        "npr.somatikk": "staging.stg_npr__somatic_episodes where true",
        "npr.phv": "staging.stg_npr__adult_mental_health_episodes where true",
        "npr.phbu": "staging.stg_npr__child_mental_health_episodes where true",
    }
    counts: AuditCounts = Counter()
    for source_name, rows in linked.items():
        n = query(corpus.baseline, f"select count(*) from {rows} and person_id in ({id_list(person_ids)})")[0][0]
        if n:
            counts[(source_name, "person rejected")] = int(n)
    return counts


def accepted_bills(corpus: Corpus, n: int, skip: int = 0, min_tariffs: int = 1) -> list[int]:
    rows = query(corpus.baseline, f"""
        select bill_id from intermediate.int_bills_classified
        where rejection_reason is null and tariff_row_count >= {min_tariffs}
          and person_id in (select person_id from staging.stg_ssb__persons)
        order by bill_id limit {n} offset {skip}""")
    return [int(r[0]) for r in rows]


def rows_of_bills(corpus: Corpus, bill_ids: list[int]) -> AuditCounts:
    """The tariff and diagnosis rows on these bills in the clean build: 'bill rejected' once they are."""
    ids = id_list(bill_ids)
    counts: AuditCounts = Counter()
    for source_name, relation in (("kpr.kuhr_takster", "staging.stg_kpr__bill_tariffs"),
                                  ("kpr.kuhr_diagnoser", "staging.stg_kpr__bill_diagnoses")):
        n = query(corpus.baseline, f"select count(*) from {relation} where bill_id in ({ids})")[0][0]
        if n:
            counts[(source_name, "bill rejected")] = int(n)
    return counts


def staged_rows(corpus: Corpus, relation: str, n: int, where: str = "true") -> list[int]:
    """0-based file rows of n staged rows of a staging model in the clean build."""
    rows = query(corpus.baseline, f"select source_row_number - 1 from staging.{relation} where {where} "
                                  f"order by source_row_number limit {n}")
    return [int(r[0]) for r in rows]


def later_tariff_rows(corpus: Corpus, n: int) -> list[int]:
    """0-based file rows of n staged tariff rows that are not their bill's only staged tariff row (so taking
    them away leaves the bill a tariff)."""
    rows = query(corpus.baseline, f"""
        select source_row_number - 1 from (
            select source_row_number, row_number() over (partition by bill_id order by source_row_number) as k
            from staging.stg_kpr__bill_tariffs
        ) where k > 1 order by source_row_number limit {n}""")
    return [int(r[0]) for r in rows]


# -------------------------------------------------------------------------------------------- the cases
@dataclass
class Built:
    """A case that builds: damage(corpus, raw) rewrites files and returns the audit rows it must add."""

    damage: Callable[[Corpus, Path], AuditCounts]
    # (source_name, reason) whose clean-build rows the damage removes (e.g. the rows of an emptied file).
    removed: Callable[[Corpus], AuditCounts] = field(default=lambda corpus: Counter())


def _persons(replace: str, reason: str, n: int, skip: int) -> Built:
    """n refugees with one value replaced: each rejected with `reason`, and every row that needs them."""
    def damage(corpus: Corpus, raw: Path) -> AuditCounts:
        ids = refugees(corpus, n, skip)
        rewrite(raw, "ssb/persons", f"select * exclude (file_row_number) replace ({replace}) from src "
                                    f"where lopenr in ({id_list(ids)}) "
                                    f"union all select * exclude (file_row_number) from src "
                                    f"where lopenr not in ({id_list(ids)})")
        return Counter({("ssb.persons", reason): n}) + rows_of_persons(corpus, ids)
    return Built(damage)


def _duplicate_persons(corpus: Corpus, raw: Path, changed: str) -> list[int]:
    ids = refugees(corpus, 5, 200)
    rewrite(raw, "ssb/persons", f"select * exclude (file_row_number) from src union all "
                                f"select * exclude (file_row_number) replace ({changed}) from src "
                                f"where lopenr in ({id_list(ids)})")
    return ids


def conflicting_person(corpus: Corpus, raw: Path) -> AuditCounts:
    ids = _duplicate_persons(corpus, raw, "3 - kjonn as kjonn")
    return Counter({("ssb.persons", "conflicting duplicate person id"): 10}) + rows_of_persons(corpus, ids)


def person_resent_with_other_spelling(corpus: Corpus, raw: Path) -> AuditCounts:
    _duplicate_persons(corpus, raw, "lower(inngrunn1) as inngrunn1, '  ' || fodeland || ' ' as fodeland")
    return Counter({("ssb.persons", "exact duplicate row"): 5})


def _bills(corpus: Corpus, raw: Path, replace: str, ids: list[int]) -> None:
    rewrite(raw, "kpr/kuhr_regninger", f"select * exclude (file_row_number) replace ({replace}) from src "
                                       f"where enkeltregning_lnr in ({id_list(ids)}) union all "
                                       f"select * exclude (file_row_number) from src "
                                       f"where enkeltregning_lnr not in ({id_list(ids)})")


def bills_without_person_id(corpus: Corpus, raw: Path) -> AuditCounts:
    ids = accepted_bills(corpus, 15)
    _bills(corpus, raw, "cast(null as bigint) as KPR_lnr", ids)
    return Counter({("kpr.kuhr_regninger", "missing person id"): 15}) + rows_of_bills(corpus, ids)


def bills_of_unknown_persons(corpus: Corpus, raw: Path) -> AuditCounts:
    ids = accepted_bills(corpus, 15, skip=100)
    _bills(corpus, raw, "KPR_lnr + 900000000000 as KPR_lnr", ids)
    # The bills are staged (their tariffs and diagnoses are on a staged bill); their person is nowhere.
    return Counter({("kpr.kuhr_regninger", "person missing"): 15})


def implausible_bill_dates(corpus: Corpus, raw: Path) -> AuditCounts:
    early, late = accepted_bills(corpus, 5, skip=200), accepted_bills(corpus, 5, skip=300)
    rewrite(raw, "kpr/kuhr_regninger", f"""
        select * exclude (file_row_number) replace (
            case when enkeltregning_lnr in ({id_list(early)}) then date '1850-06-01'
                 when enkeltregning_lnr in ({id_list(late)}) then date '2099-01-01' else dato end as dato)
        from src""")
    return (Counter({("kpr.kuhr_regninger", "date before 1900"): 5,
                     ("kpr.kuhr_regninger", "date after the extract date"): 5})
            + rows_of_bills(corpus, early + late))


def conflicting_bill(corpus: Corpus, raw: Path) -> AuditCounts:
    ids = accepted_bills(corpus, 8, skip=400)
    rewrite(raw, "kpr/kuhr_regninger", f"select * exclude (file_row_number) from src union all "
                                       f"select * exclude (file_row_number) replace (dato + 1 as dato) from src "
                                       f"where enkeltregning_lnr in ({id_list(ids)})")
    return Counter({("kpr.kuhr_regninger", "conflicting duplicate bill id"): 16}) + rows_of_bills(corpus, ids)


def rows_for_missing_bills(corpus: Corpus, raw: Path) -> AuditCounts:
    tariff_rows = later_tariff_rows(corpus, 12)
    diagnosis_rows = staged_rows(corpus, "stg_kpr__bill_diagnoses", 9)
    for name, rows in (("kpr/kuhr_takster", tariff_rows), ("kpr/kuhr_diagnoser", diagnosis_rows)):
        rewrite(raw, name, f"select * exclude (file_row_number) replace (case when file_row_number in "
                           f"({id_list(rows)}) then enkeltregning_lnr + 800000000000 else enkeltregning_lnr end "
                           f"as enkeltregning_lnr) from src")
    return Counter({("kpr.kuhr_takster", "bill missing"): 12, ("kpr.kuhr_diagnoser", "bill missing"): 9})


def empty_bills_file(corpus: Corpus, raw: Path) -> AuditCounts:
    rewrite(raw, "kpr/kuhr_regninger", "select * exclude (file_row_number) from src limit 0")
    tariffs = query(corpus.baseline, "select count(*) from staging.stg_kpr__bill_tariffs")[0][0]
    diagnoses = query(corpus.baseline, "select count(*) from staging.stg_kpr__bill_diagnoses")[0][0]
    return Counter({("kpr.kuhr_takster", "bill missing"): int(tariffs),
                    ("kpr.kuhr_diagnoser", "bill missing"): int(diagnoses)})


def clean_bill_audit(corpus: Corpus) -> AuditCounts:
    return Counter({key: n for key, n in audit_counts(corpus.baseline).items() if key[0] == "kpr.kuhr_regninger"})


def tariff_counts_not_positive(corpus: Corpus, raw: Path) -> AuditCounts:
    rows = later_tariff_rows(corpus, 10)
    rewrite(raw, "kpr/kuhr_takster", f"select * exclude (file_row_number) replace (case "
                                     f"when file_row_number in ({id_list(rows[:5])}) then 0 "
                                     f"when file_row_number in ({id_list(rows[5:])}) then -2 "
                                     f"else antall end as antall) "
                                     f"from src")
    return Counter({("kpr.kuhr_takster", "tariff count zero or below"): 10})


def codes_resent_with_other_spelling(corpus: Corpus, raw: Path) -> AuditCounts:
    diagnoses = staged_rows(corpus, "stg_kpr__bill_diagnoses", 10)
    tariffs = staged_rows(corpus, "stg_kpr__bill_tariffs", 10)
    rewrite(raw, "kpr/kuhr_diagnoser", f"select * exclude (file_row_number) from src union all "
                                       f"select * exclude (file_row_number) replace ("
                                       f"' ' || lower(diagnosekode) || ' ' as diagnosekode, "
                                       f"lower(kodeverk) as kodeverk) "
                                       f"from src where file_row_number in ({id_list(diagnoses)})")
    rewrite(raw, "kpr/kuhr_takster", f"select * exclude (file_row_number) from src union all "
                                     f"select * exclude (file_row_number) replace ("
                                     f"upper(takstkode) || '  ' as takstkode) "
                                     f"from src where file_row_number in ({id_list(tariffs)})")
    return Counter({("kpr.kuhr_diagnoser", "exact duplicate row"): 10, ("kpr.kuhr_takster", "exact duplicate row"): 10})


def implausible_episode_and_decision_dates(corpus: Corpus, raw: Path) -> AuditCounts:
    episodes = staged_rows(corpus, "stg_npr__somatic_episodes", 5)
    decisions = staged_rows(corpus, "stg_kpr__home_care_decisions", 3)
    rewrite(raw, "npr/somatikk", f"select * exclude (file_row_number) replace (case when file_row_number in "
                                 f"({id_list(episodes)}) then date '2031-01-01' else utdato end as utdato) from src")
    rewrite(raw, "kpr/hom_vedtak", f"select * exclude (file_row_number) replace (case when file_row_number in "
                                   f"({id_list(decisions)}) then date '1801-01-01' else fra_dato end as fra_dato) "
                                   f"from src")
    return Counter({("npr.somatikk", "discharge after the extract date"): 5, ("kpr.hom_vedtak", "date before 1900"): 3})


def conflicting_episode(corpus: Corpus, raw: Path) -> AuditCounts:
    rows = staged_rows(corpus, "stg_npr__somatic_episodes", 4, where="care_level_code = 3")
    rewrite(raw, "npr/somatikk", f"select * exclude (file_row_number) from src union all "
                                 f"select * exclude (file_row_number) replace (1 as aktivitetskategori3) from src "
                                 f"where file_row_number in ({id_list(rows)})")
    return Counter({("npr.somatikk", "conflicting duplicate episode id"): 8})


def missing_ids(corpus: Corpus, raw: Path) -> AuditCounts:
    episodes = staged_rows(corpus, "stg_npr__adult_mental_health_episodes", 3)
    decisions = staged_rows(corpus, "stg_kpr__home_care_decisions", 3)
    residences = staged_rows(corpus, "stg_ssb__residences", 5)
    rewrite(raw, "npr/phv", f"select * exclude (file_row_number) replace (case when file_row_number in "
                            f"({id_list(episodes)}) then null else episode_lnr end as episode_lnr) from src")
    rewrite(raw, "kpr/hom_vedtak", f"select * exclude (file_row_number) replace (case when file_row_number in "
                                   f"({id_list(decisions)}) then null else vedtak_lnr end as vedtak_lnr) from src")
    rewrite(raw, "ssb/residence", f"select * exclude (file_row_number) replace (case when file_row_number in "
                                  f"({id_list(residences)}) then null else lopenr end as lopenr) from src")
    return Counter({("npr.phv", "missing episode id"): 3, ("kpr.hom_vedtak", "missing decision id"): 3,
                    ("ssb.residence", "missing person id"): 5})


BUILT_CASES: dict[str, Built] = {
    "birth year 1850": _persons("1850 as foedselsaar", "birth year before 1900", 20, 0),
    "birth after the inclusion period": _persons("2024 as foedselsaar", "birth after the inclusion period", 10, 20),
    "death before settlement": _persons("foerste_bosattdato - 10 as doedsdato", "death before settlement", 10, 40),
    "settlement after the extract date": _persons("date '2025-02-01' as foerste_bosattdato",
                                                  "settlement after the extract date", 10, 60),
    "a person re-sent with other content": Built(conflicting_person),
    "a person re-sent with other spelling": Built(person_resent_with_other_spelling),
    "bills without a person id": Built(bills_without_person_id),
    "bills of persons not in the population file": Built(bills_of_unknown_persons),
    "bills dated 1850 and 2099": Built(implausible_bill_dates),
    "a bill re-sent with another date": Built(conflicting_bill),
    "tariff and diagnosis rows for bills that do not exist": Built(rows_for_missing_bills),
    "an empty bills file": Built(empty_bills_file, removed=clean_bill_audit),
    "tariff counts of zero and below": Built(tariff_counts_not_positive),
    "codes re-sent in other letter case and whitespace": Built(codes_resent_with_other_spelling),
    "discharge in 2031, decision from 1801": Built(implausible_episode_and_decision_dates),
    "an episode re-sent with another care level": Built(conflicting_episode),
    "missing episode, decision and person ids": Built(missing_ids),
}


@pytest.mark.parametrize("case", list(BUILT_CASES))
def test_row_level_damage_is_audited(corpus: Corpus, case: str) -> None:
    built = BUILT_CASES[case]
    raw = corpus.delivery(case.replace(" ", "_"))
    added = built.damage(corpus, raw)
    door = check_delivery(raw, allow_empty=True)
    assert door.errors == [], f"the door refused row-level damage: {[str(e) for e in door.errors]}"
    failed = corpus.build(raw)
    assert failed == [], f"{case}: the build did not pass (conservation?):\n" + "\n".join(failed)
    expected = audit_counts(corpus.baseline) - built.removed(corpus) + added
    found = corpus.audit()
    assert found == expected, (f"{case}: audit differs from the clean audit + the damage's rows;\n"
                               f"missing: {dict(expected - found)}\nunexpected: {dict(found - expected)}")


# ------------------------------------------------------------------------------------ refused at the door
def _truncate(raw: Path) -> None:
    path = raw / "npr/phv.parquet"
    data = path.resolve().read_bytes()
    path.unlink()
    path.write_bytes(data[: len(data) // 2])


def _invalid_utf8(raw: Path) -> None:
    """One diagnosis code with a byte that is not UTF-8 (DuckDB cannot write such text; Arrow can)."""
    path = raw / "kpr/kuhr_diagnoser.parquet"
    table = pq.read_table(path.resolve())
    path.unlink()
    column = table.schema.get_field_index("diagnosekode")
    codes = table.column(column).combine_chunks()
    if pa.types.is_dictionary(codes.type):
        codes = codes.dictionary_decode()
    values = codes.view(pa.binary()).to_pylist()
    values[7] = b"\xffR7"
    table = table.set_column(column, "diagnosekode", pa.array(values, pa.binary()).view(pa.string()))
    pq.write_table(table, path)


def _manifest_that_disagrees(raw: Path) -> None:
    """10 rows of somatikk where the (kept) manifest lists them all."""
    manifest = (raw / "manifest.json").read_text(encoding="utf-8")
    rewrite(raw, "npr/somatikk", "select * exclude (file_row_number) from src limit 10")
    (raw / "manifest.json").write_text(manifest, encoding="utf-8")


DOOR_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "a missing file": (lambda raw: (raw / "kpr/hom_vedtak.parquet").unlink(),
                       "kpr/hom_vedtak.parquet: missing file"),
    "a truncated file": (_truncate, "npr/phv.parquet: not readable as Parquet"),
    "an empty file without the flag": (lambda raw: rewrite(raw, "npr/phbu", "select * exclude (file_row_number) "
                                                                            "from src limit 0"),
                                       "npr/phbu.parquet: empty file (0 rows)"),
    "a renamed column": (lambda raw: rewrite(raw, "ssb/residence", "select * exclude (file_row_number, komm_nr), "
                                                                   "komm_nr as kommune from src"),
                         "ssb/residence.parquet, column komm_nr: missing column"),
    "dates as dd.mm.yyyy text": (lambda raw: rewrite(raw, "kpr/kuhr_regninger", "select * exclude (file_row_number) "
                                                     "replace (strftime(dato, '%d.%m.%Y') as dato) from src"),
                                 "kpr/kuhr_regninger.parquet, column dato: expected a date, found text"),
    "sex as M/K": (lambda raw: rewrite(raw, "ssb/persons", "select * exclude (file_row_number) replace (case kjonn "
                                                           "when 1 then 'M' when 2 then 'K' end as kjonn) from src"),
                   "ssb/persons.parquet, column kjonn: expected integer, found text"),
    "bill ids with letters": (lambda raw: rewrite(raw, "kpr/kuhr_takster", "select * exclude (file_row_number) "
                                                  "replace ('B' || enkeltregning_lnr as enkeltregning_lnr) from src"),
                              "kpr/kuhr_takster.parquet, column enkeltregning_lnr: expected integer, found text"),
    "a delivery in parts": (lambda raw: shutil.copyfile(raw / "npr/phv.parquet", raw / "npr/phv_del2.parquet"),
                            "npr/phv_del2.parquet: refused: a delivery in parts"),
    "a manifest that disagrees with the files": (_manifest_that_disagrees, "manifest.json: refused: lists"),
    "text that is not UTF-8": (_invalid_utf8,
                               "kpr/kuhr_diagnoser.parquet, column diagnosekode: "
                               "1 value is not valid UTF-8 text (row 8)"),
}


@pytest.mark.parametrize("case", list(DOOR_CASES))
def test_damaged_delivery_is_refused_at_the_door(tmp_path: Path, case: str) -> None:
    if not (CLEAN_RAW / "manifest.json").exists():
        pytest.fail(f"no test extracts in {CLEAN_RAW}: run `make test`")
    damage, message = DOOR_CASES[case]
    raw = linked_delivery(CLEAN_RAW, tmp_path / "raw", checksums=False)
    damage(raw)
    door = run_door(raw)
    assert door.returncode == 1, f"{case}: the door let it through:\n{door.stdout}"
    assert message in door.stderr, f"{case}: expected {message!r} among:\n{door.stderr}"
    assert "Traceback" not in door.stderr


# ---------------------------------------------------------------- harmless damage: every mart unchanged
def harmless(corpus: Corpus, raw: Path) -> None:
    """Damage staging repairs: every value still means the same, so no mart may change."""
    open_episodes = staged_rows(corpus, "stg_npr__somatic_episodes", 20)
    rewrite(raw, "ssb/persons", "select * exclude (file_row_number), 'x' as levert_av from src")  # extra column
    rewrite(raw, "ssb/residence", "select lopenr as LOPENR, aargang, "  # letter case; a lost leading zero
                                  "ltrim(komm_nr, '0') as komm_nr from src")
    rewrite(raw, "kpr/hom_vedtak", "select * exclude (file_row_number) replace ("  # ISO date text
                                   "strftime(fra_dato, '%Y-%m-%d') as fra_dato) from src")
    rewrite(raw, "kpr/kuhr_regninger", "select * exclude (file_row_number) replace ("  # integer as text
                                       "cast(tjenestetype as varchar) as tjenestetype) from src")
    rewrite(raw, "npr/phv", "select * exclude (file_row_number) replace ("  # TIMESTAMP for DATE
                            "cast(inndato as timestamp) as inndato) from src")
    rewrite(raw, "kpr/kuhr_takster", "select * exclude (file_row_number) replace ("  # whitespace, letter case
                                     "' ' || upper(takstkode) || ' ' as takstkode) from src")
    rewrite(raw, "npr/somatikk", f"select * exclude (file_row_number) replace (case when file_row_number in "
                                 f"({id_list(open_episodes)}) then null else utdato end as utdato) from src")


def marts(warehouse: Path) -> dict[str, pd.DataFrame]:
    """Every table of the marts schema, its rows sorted (the order of a table is not its content)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.sql("select table_name from information_schema.tables "
                                       "where table_schema = 'marts' order by 1").fetchall()]
        frames = {name: con.sql(f"select * from marts.{name}").df() for name in names}
    for name, frame in frames.items():
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(object)
        frames[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frames


def test_harmless_damage_leaves_every_mart_unchanged(corpus: Corpus) -> None:
    raw = corpus.delivery("harmless")
    harmless(corpus, raw)
    door = run_door(raw)
    assert door.returncode == 0, door.stderr
    for warning in ("unexpected column, ignored", "letter case differs", "codes of 3 digits",
                    "ISO date as text", "integer as text", "cast safely to DATE"):
        assert warning in door.stdout, f"the door did not warn {warning!r}:\n{door.stdout}"
    failed = corpus.build(raw, marts=True)
    assert failed == [], "\n".join(failed)
    assert corpus.audit() == audit_counts(corpus.baseline)
    clean, damaged = marts(CLEAN_WAREHOUSE), marts(corpus.warehouse)
    assert clean, "no marts in the clean build"
    assert sorted(damaged) == sorted(clean)
    for name, frame in clean.items():
        # Sums of doubles may differ in the last bits between two builds (parallel aggregation order).
        pd.testing.assert_frame_equal(damaged[name], frame, check_exact=False, rtol=1e-12, obj=f"marts.{name}")
