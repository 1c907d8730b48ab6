"""The BI export (bi_export/): marts only, plain types, labels and descriptions, values equal to the
warehouse's marts, refused whole when a person-level column or an unsuppressed small cell would reach it,
and swapped in so that readers of the old export and builds of the warehouse never block each other.

Needs the test build of `make test`: TEST_WAREHOUSE, TEST_BI_DIR, TEST_RAW_DIR and TEST_MANIFEST (dbt's
manifest of that build).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bi_export.guard import ExportRefused, check_export
from bi_export.publish import ABOUT_TABLE, PublishError, publish, read_marts

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def build() -> dict[str, Path]:
    paths = {
        "warehouse": Path(os.environ.get("TEST_WAREHOUSE", REPO / "data/test/warehouse.duckdb")),
        "bi_dir": Path(os.environ.get("TEST_BI_DIR", REPO / "data/test/bi")),
        "raw_dir": Path(os.environ.get("TEST_RAW_DIR", REPO / "data/test/raw")),
        "manifest": Path(os.environ.get("TEST_MANIFEST", REPO / "target/manifest.json")),
    }
    missing = [str(path) for key, path in paths.items() if key != "bi_dir" and not path.exists()]
    missing += [] if (paths["bi_dir"] / "marts.duckdb").exists() else [str(paths["bi_dir"] / "marts.duckdb")]
    if missing:
        pytest.fail(f"no test build ({', '.join(missing)} missing): run `make test`")
    return paths


def _tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in connection.execute(
        "select table_name from duckdb_tables() where database_name = current_database()").fetchall()}


def test_export_holds_the_marts_only_with_plain_types_labels_and_descriptions(build: dict[str, Path]) -> None:
    marts = read_marts(build["manifest"])
    with duckdb.connect(str(build["bi_dir"] / "marts.duckdb"), read_only=True) as export:
        assert _tables(export) == {mart.name for mart in marts} | {ABOUT_TABLE}
        columns = export.execute("select table_name, column_name, data_type, comment from duckdb_columns() "
                                 "where database_name = current_database()").fetchall()
        assert not [c for c in columns if c[2].startswith(("ENUM", "STRUCT", "MAP")) or c[2].endswith("]")]
        assert not [c[:2] for c in columns if not (c[3] or "").strip()], "columns without a description"
        comments = export.execute("select table_name, comment from duckdb_tables() "
                                  "where database_name = current_database()").fetchall()
        assert all((comment or "").strip() for _, comment in comments)
        labelled = {(table, column) for table, column, _, _ in columns}
        for table, key, label in [("annual_rates", "group_key", "group_label_no"),
                                  ("annual_rates", "service_key", "service_label_en"),
                                  ("age_sex_rates", "sex", "sex_label_no"),
                                  ("diagnosis_chapter_shares", "chapter_code", "chapter_label_en")]:
            assert (table, label) in labelled
            unlabelled = export.execute(f"select count(*) from {table} where {key} is not null "
                                        f"and {label} is null").fetchone()
            assert unlabelled == (0,), f"{table}: {key} without {label}"
        about = dict(export.execute("select key, value from about").fetchall())
    assert about["data_source"] == "synthetic"
    manifest = json.loads((build["raw_dir"] / "manifest.json").read_text())
    assert float(about["synthetic_scale"]) == manifest["scale"]
    assert about["synthetic_seed"] == str(manifest["seed"])
    assert about["duckdb_version"] == duckdb.__version__
    assert {"built_at", "git_commit", "dbt_version", "var.suppression_threshold",
            "var.municipality_min_settled_ukrainian_refugees"} <= about.keys()


def test_export_values_equal_the_warehouse_marts_and_parquet(build: dict[str, Path]) -> None:
    marts = read_marts(build["manifest"])
    with duckdb.connect() as connection:
        connection.execute(f"attach '{build['warehouse']}' as wh (read_only)")
        connection.execute(f"attach '{build['bi_dir'] / 'marts.duckdb'}' as bi (read_only)")
        for mart in marts:
            columns = [row[0] for row in connection.execute(
                "select column_name from information_schema.columns where table_catalog = 'wh' "
                "and table_schema = ? and table_name = ?", [mart.schema, mart.name]).fetchall()]
            listed = ", ".join(f"cast({c} as varchar)" for c in columns)
            for left, right in (("wh." + mart.schema, "bi.main"), ("bi.main", "wh." + mart.schema)):
                differing = connection.execute(
                    f"select count(*) from (select {listed} from {left}.{mart.name} "
                    f"except all select {listed} from {right}.{mart.name})").fetchone()
                assert differing == (0,), f"{mart.name}: rows of {left} not in {right}"
            parquet = build["bi_dir"] / "parquet" / f"{mart.name}.parquet"
            differing = connection.execute(
                f"select count(*) from (select * from bi.main.{mart.name} "
                f"except all select * from read_parquet('{parquet}'))").fetchone()
            rows = connection.execute(f"select count(*) from read_parquet('{parquet}')").fetchone()
            total = connection.execute(f"select count(*) from bi.main.{mart.name}").fetchone()
            assert differing == (0,) and rows == total, f"{parquet} differs from the export"


@pytest.fixture()
def doctored(build: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """A small stand-in warehouse of the test build's marts and seeds, and a copy of its manifest, to damage."""
    warehouse = tmp_path / "warehouse.duckdb"
    marts = read_marts(build["manifest"])
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"attach '{build['warehouse']}' as src (read_only)")
        connection.execute("create schema seeds")
        for (seed,) in connection.execute("select table_name from information_schema.tables "
                                          "where table_catalog = 'src' and table_schema = 'seeds'").fetchall():
            connection.execute(f"create table seeds.{seed} as select * from src.seeds.{seed}")
        for schema in {mart.schema for mart in marts} | {"core"}:
            connection.execute(f"create schema if not exists {schema}")
        for mart in marts:
            connection.execute(f"create table {mart.schema}.{mart.name} as select * from src.{mart.schema}.{mart.name}")
        connection.execute("create table core.dim_persons as select * from src.core.dim_persons limit 50")
    manifest = tmp_path / "manifest.json"
    shutil.copy(build["manifest"], manifest)
    out_dir = tmp_path / "bi"
    publish(warehouse=warehouse, manifest_path=manifest, out_dir=out_dir, raw_dir=build["raw_dir"],
            project_dir=REPO, var_overrides={})
    return {"warehouse": warehouse, "manifest": manifest, "out_dir": out_dir, "raw_dir": build["raw_dir"]}


def _digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _refused(doctored: dict[str, Path]) -> ExportRefused:
    before = _digest(doctored["out_dir"])
    with pytest.raises(ExportRefused) as refused:
        publish(warehouse=doctored["warehouse"], manifest_path=doctored["manifest"], out_dir=doctored["out_dir"],
                raw_dir=doctored["raw_dir"], project_dir=REPO, var_overrides={})
    # Refused whole: the previous export is byte for byte what it was, and no temporary file is left.
    assert _digest(doctored["out_dir"]) == before
    return refused.value


def _edit_manifest(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def test_an_unsuppressed_small_cell_is_refused(doctored: dict[str, Path]) -> None:
    with duckdb.connect(str(doctored["warehouse"])) as connection:
        connection.execute("update marts.contacts_by_group set contacts = 3 "
                           "where group_key = 'ukraine_recent' and service_key = 'gp_contact'")
    refused = _refused(doctored)
    assert any(p.startswith("contacts_by_group.contacts: 1 unsuppressed cell") for p in refused.problems), refused


def test_a_person_level_column_is_refused(doctored: dict[str, Path]) -> None:
    with duckdb.connect(str(doctored["warehouse"])) as connection:
        connection.execute("create or replace table marts.population_by_group as "
                           "select *, 1234 as person_id from marts.population_by_group")

    def add_column(manifest: dict) -> None:  # type: ignore[type-arg]
        node = manifest["nodes"]["model.refugee_health.population_by_group"]
        node["columns"]["person_id"] = {"name": "person_id", "description": "documented, yet person-level"}
    _edit_manifest(doctored["manifest"], add_column)
    refused = _refused(doctored)
    assert any(p.startswith("population_by_group.person_id looks person-level") for p in refused.problems)


def test_a_person_level_table_is_refused(doctored: dict[str, Path]) -> None:
    """A model under models/marts/ that selects persons: its identifiers and its missing grain are caught."""
    def add_person_mart(manifest: dict) -> None:  # type: ignore[type-arg]
        node = copy.deepcopy(manifest["nodes"]["model.refugee_health.population_by_group"])
        with duckdb.connect(str(doctored["warehouse"]), read_only=True) as connection:
            columns = [row[0] for row in connection.execute(
                "select column_name from information_schema.columns where table_schema = 'core' "
                "and table_name = 'dim_persons'").fetchall()]
        node.update(name="dim_persons", alias="dim_persons", schema="core",
                    original_file_path="models/marts/dim_persons.sql",
                    columns={c: {"name": c, "description": "documented"} for c in columns})
        node["config"]["meta"] = {}
        manifest["nodes"]["model.refugee_health.dim_persons"] = node
    _edit_manifest(doctored["manifest"], add_person_mart)
    problems = "\n".join(_refused(doctored).problems)
    assert "dim_persons.person_id looks person-level" in problems
    assert "mart dim_persons declares no grain" in problems
    assert "mart dim_persons has no column marked disclosure_count" in problems


def test_an_enum_column_is_refused(doctored: dict[str, Path]) -> None:
    """The guard itself, on a table it did not write: ENUMs and undocumented columns fail it."""
    marts = read_marts(doctored["manifest"])
    with duckdb.connect(str(doctored["out_dir"] / "marts.duckdb")) as connection:
        connection.execute("create type mood as enum ('a', 'b')")
        connection.execute("alter table annual_rates add column mood mood")
        with pytest.raises(ExportRefused) as refused:
            check_export(connection, marts=marts, about_table=ABOUT_TABLE, threshold=5, suppress_zero=True)
    problems = "\n".join(refused.value.problems)
    assert "annual_rates.mood has type ENUM" in problems
    assert "annual_rates.mood has no description" in problems


def test_a_locked_warehouse_is_named(doctored: dict[str, Path]) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(30)"), str(doctored["warehouse"])], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(PublishError, match=r"warehouse .*warehouse\.duckdb is held by another process"):
            publish(warehouse=doctored["warehouse"], manifest_path=doctored["manifest"],
                    out_dir=doctored["out_dir"], raw_dir=doctored["raw_dir"], project_dir=REPO,
                    var_overrides={})
    finally:
        holder.kill()
        holder.wait()


def test_a_reader_holding_the_export_blocks_neither_a_build_nor_a_publish(doctored: dict[str, Path]) -> None:
    """A BI session keeps the export open (read-only) while the warehouse is written and the export
    republished: neither waits for it, and it keeps reading the export it opened."""
    export = doctored["out_dir"] / "marts.duckdb"
    reader = subprocess.Popen(
        [sys.executable, "-c",
         ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); print('open', flush=True); "
         "sys.stdin.readline(); print(c.execute('select count(*) from annual_rates').fetchone()[0], flush=True)"),
         str(export)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "open"
        with duckdb.connect(str(doctored["warehouse"])) as connection:  # a build writing the warehouse
            rows = connection.execute("select count(*) from marts.annual_rates").fetchone()
            connection.execute("delete from marts.annual_rates where group_key = 'general_population'")
        result = publish(warehouse=doctored["warehouse"], manifest_path=doctored["manifest"],
                         out_dir=doctored["out_dir"], raw_dir=doctored["raw_dir"], project_dir=REPO,
                         var_overrides={})
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == rows[0]  # the old export, whole
        assert result.tables["annual_rates"] < rows[0]  # the new one has the rebuilt mart
        assert not [p for p in doctored["out_dir"].iterdir() if p.name.startswith(".")]
    finally:
        reader.kill()
        reader.wait()


def test_marts_read_in_a_copied_renamed_warehouse(build: dict[str, Path], tmp_path: Path) -> None:
    """A mart must not name the database it was built in: a copy attached under another name reads them all."""
    copied = tmp_path / "renamed_copy.duckdb"
    shutil.copy(build["warehouse"], copied)
    with duckdb.connect() as connection:
        connection.execute(f"attach '{copied}' as some_other_name (read_only)")
        for mart in read_marts(build["manifest"]):
            assert connection.execute(f"select count(*) from some_other_name.{mart.schema}.{mart.name}").fetchone()
