"""Publish the marts from the warehouse into the BI export, checked before it is swapped in.

The export is what BI users and the rendered report read, never the warehouse:
- `<out>/marts.duckdb`: one table per dbt mart (models/marts/) with the seeds' display labels beside its keys,
  plain SQL types only (ENUMs cast to VARCHAR), every table and column carrying its dbt description
  (`COMMENT ON`), and a table `about` (build, versions, extracts, study vars);
- `<out>/parquet/<table>.parquet`: the same tables, one file each.

Both are written under temporary names in `<out>` and renamed into place only after the guard
(bi_export/guard.py) has passed, so a reader never sees a half-written export, a failed publish leaves the
previous export whole, and a BI tool holding the old file open neither blocks a build nor a publish (it
keeps reading the file it opened until it reconnects).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml

from bi_export.guard import ExportRefused, check_export
from bi_export.labels import LABEL_JOINS, LabelJoin

ABOUT_TABLE = "about"
EXPORT_FILE = "marts.duckdb"
PARQUET_DIR = "parquet"


@dataclass(frozen=True)
class Mart:
    name: str
    schema: str
    description: str
    grain: str
    columns: dict[str, str]  # column name -> description, in the yml's order
    disclosure_columns: tuple[str, ...]


@dataclass
class Published:
    export_file: Path
    parquet_dir: Path
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    seconds: float = 0.0


class PublishError(Exception):
    """A publish that cannot go ahead: the message names the file and what to do."""


def read_marts(manifest_path: Path) -> list[Mart]:
    """The project's marts as dbt knows them (target/manifest.json of the build)."""
    if not manifest_path.exists():
        raise PublishError(f"{manifest_path} not found: run `dbt build` (or `dbt parse`) first; the export takes "
                           "the marts, their descriptions and their disclosure columns from dbt's manifest")
    manifest = json.loads(manifest_path.read_text())
    project = manifest["metadata"]["project_name"]
    marts = []
    for node in manifest["nodes"].values():
        if (node["resource_type"] != "model" or node["package_name"] != project
                or not node["original_file_path"].startswith("models/marts/")):
            continue
        columns = {name: (column.get("description") or "").strip() for name, column in node["columns"].items()}
        disclosure = tuple(
            name for name, column in node["columns"].items()
            if (column.get("meta") or {}).get("disclosure_count")
            or ((column.get("config") or {}).get("meta") or {}).get("disclosure_count"))
        marts.append(Mart(
            name=node["alias"] or node["name"], schema=node["schema"], description=node["description"].strip(),
            grain=str((node["config"].get("meta") or {}).get("grain", "")), columns=columns,
            disclosure_columns=disclosure))
    if not marts:
        raise PublishError(f"{manifest_path} lists no model under models/marts/: is it this project's manifest?")
    return sorted(marts, key=lambda mart: mart.name)


def study_vars(project_dir: Path, overrides: dict[str, Any]) -> dict[str, Any]:
    """dbt_project.yml's vars with the overrides the build was given (the Makefile passes the same --vars to
    `dbt build` and to the publish)."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    values = dict(project.get("vars", {}))
    values.update(overrides)
    return values


def _git_commit(project_dir: Path) -> str:
    try:
        commit = subprocess.run(["git", "-C", str(project_dir), "rev-parse", "HEAD"], capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(project_dir), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{commit} (with uncommitted changes)" if dirty else commit


def about_rows(*, warehouse: Path, raw_dir: Path | None, project_dir: Path, dbt_version: str,
               vars_: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, value, description) rows of the `about` table."""
    built_at = datetime.fromtimestamp(warehouse.stat().st_mtime, tz=UTC)
    rows = [
        ("built_at", built_at.isoformat(timespec="seconds"), "When the warehouse file was last written (UTC)."),
        ("published_at", datetime.now(tz=UTC).isoformat(timespec="seconds"), "When this export was published (UTC)."),
        ("git_commit", _git_commit(project_dir), "Commit of the project the warehouse was built with."),
        ("dbt_version", dbt_version, "dbt-core version that built the warehouse (dbt's manifest)."),
        ("duckdb_version", duckdb.__version__, "DuckDB version of the warehouse and of this export."),
    ]
    manifest_path = raw_dir / "manifest.json" if raw_dir else None
    generator: dict[str, Any] = {}
    if manifest_path and manifest_path.exists():
        try:
            generator = json.loads(manifest_path.read_text())
        except json.JSONDecodeError as error:
            raise PublishError(f"{manifest_path} does not parse ({error}): the export cannot say which extracts "
                               "it was built from") from error
    if generator.get("generator") == "synthetic_registers":
        rows += [
            ("data_source", "synthetic", "Synthetic extracts from the project's generator, not real persons."),
            ("synthetic_scale", str(generator.get("scale")), "Scale of the synthetic extracts (1.0 = all of Norway)."),
            ("synthetic_seed", str(generator.get("seed")), "Random seed of the synthetic extracts."),
            ("generator_version", str(generator.get("generator_version")), "Version of the generator."),
        ]
    else:
        rows.append(("data_source", "real extracts", "Register extracts (no synthetic generator manifest)."))
    rows += [(f"var.{name}", json.dumps(value, ensure_ascii=False), "dbt var of the study (dbt_project.yml)")
             for name, value in sorted(vars_.items())]
    return rows


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select_with_labels(connection: duckdb.DuckDBPyConnection, mart: Mart) -> tuple[str, dict[str, str]]:
    """The export query of one mart: its columns in the yml's order (ENUMs as VARCHAR), each label join's
    columns right after its keys. Returns the query and the descriptions of every output column."""
    types = dict(connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'wh' and table_schema = ? and table_name = ? order by ordinal_position",
        [mart.schema, mart.name]).fetchall())
    if not types:
        raise PublishError(f"mart {mart.schema}.{mart.name} is in dbt's manifest but not in the warehouse: "
                           "the build did not finish; run it again")
    undocumented = [column for column in types if column not in mart.columns]
    if undocumented:
        raise PublishError(f"mart {mart.name}: column(s) {', '.join(undocumented)} have no description in "
                           "models/marts/_marts__models.yml; every exported column must be documented")
    joins: list[tuple[LabelJoin, str]] = [
        (join, f"labels_{index}") for index, join in enumerate(LABEL_JOINS) if all(key in types for key in join.keys)]
    after_key = {join.keys[-1]: (join, alias) for join, alias in joins}
    select, descriptions = [], {}
    for column in mart.columns:
        if column not in types:
            continue
        expression = f"mart.{_quote(column)}"
        if types[column].startswith("ENUM"):
            expression = f"cast({expression} as varchar)"
        select.append(f"{expression} as {_quote(column)}")
        descriptions[column] = mart.columns[column]
        if column in after_key:
            join, alias = after_key[column]
            for label, description in join.labels.items():
                select.append(f"{alias}.{_quote(label)}")
                descriptions[label] = description
    sql = f"select {', '.join(select)} from wh.{_quote(mart.schema)}.{_quote(mart.name)} as mart"
    for join, alias in joins:
        on = " and ".join(f"cast(mart.{_quote(key)} as varchar) = {alias}.{_quote(key)}" for key in join.keys)
        sql += f" left join ({join.source_sql}) as {alias} on {on}"
    return sql, descriptions


def _connect_warehouse(connection: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    if not warehouse.exists():
        raise PublishError(f"warehouse {warehouse} not found: run `make warehouse` (or `make build`) first")
    try:
        connection.execute(f"attach {_literal(str(warehouse))} as wh (read_only)")
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise PublishError(
                f"warehouse {warehouse} is held by another process (a dbt build, a notebook or a BI tool "
                f"connected to it): close it or wait for the build, then run `make publish` again. ({error})"
            ) from error
        raise PublishError(f"warehouse {warehouse} cannot be opened: {error}") from error


def publish(*, warehouse: Path, manifest_path: Path, out_dir: Path, raw_dir: Path | None, project_dir: Path,
            var_overrides: dict[str, Any]) -> Published:
    started = time.monotonic()
    marts = read_marts(manifest_path)
    dbt_version = json.loads(manifest_path.read_text())["metadata"]["dbt_version"]
    vars_ = study_vars(project_dir, var_overrides)
    out_dir.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{time.time_ns()}"
    tmp_file = out_dir / f".{EXPORT_FILE}.tmp-{tag}"
    tmp_parquet = out_dir / f".{PARQUET_DIR}.tmp-{tag}"
    result = Published(export_file=out_dir / EXPORT_FILE, parquet_dir=out_dir / PARQUET_DIR)
    try:
        connection = duckdb.connect(str(tmp_file))
        try:
            _connect_warehouse(connection, warehouse)
            for mart in marts:
                sql, descriptions = _select_with_labels(connection, mart)
                connection.execute(f"create table main.{_quote(mart.name)} as {sql}")
                connection.execute(f"comment on table main.{_quote(mart.name)} is {_literal(mart.description)}")
                for column, description in descriptions.items():
                    connection.execute(f"comment on column main.{_quote(mart.name)}.{_quote(column)} "
                                       f"is {_literal(description)}")
            about = about_rows(warehouse=warehouse, raw_dir=raw_dir, project_dir=project_dir,
                               dbt_version=dbt_version, vars_=vars_)
            connection.execute(f"create table main.{ABOUT_TABLE} (key varchar, value varchar, description varchar)")
            connection.executemany(f"insert into main.{ABOUT_TABLE} values (?, ?, ?)", about)
            connection.execute(f"comment on table main.{ABOUT_TABLE} is "
                               "'What this export was built from: build, versions, extracts and the study vars.'")
            for column, description in (("key", "Name of the fact."), ("value", "Its value, as text."),
                                        ("description", "What the fact is.")):
                connection.execute(f"comment on column main.{ABOUT_TABLE}.{column} is {_literal(description)}")
            connection.execute("detach wh")
            check_export(connection, marts=marts, about_table=ABOUT_TABLE,
                         threshold=int(vars_.get("suppression_threshold", 5)),
                         suppress_zero=str(vars_.get("suppress_zero", True)).lower() in ("true", "1", "yes"))
            tmp_parquet.mkdir()
            for table in [mart.name for mart in marts] + [ABOUT_TABLE]:
                rows = connection.execute(f"select count(*) from main.{_quote(table)}").fetchone()
                result.tables[table] = int(rows[0]) if rows else 0
                comment = connection.execute(
                    "select comment from duckdb_tables() where database_name = current_database() "
                    "and table_name = ?", [table]).fetchone()
                metadata = json.dumps({"description": comment[0] if comment else ""})
                connection.execute(f"copy main.{_quote(table)} to {_literal(str(tmp_parquet / (table + '.parquet')))} "
                                   f"(format parquet, kv_metadata {{description: {_literal(metadata)}}})")
            connection.execute("checkpoint")
        finally:
            connection.close()
        _swap_in(tmp_file, tmp_parquet, result)
    except BaseException:
        tmp_file.unlink(missing_ok=True)
        Path(str(tmp_file) + ".wal").unlink(missing_ok=True)
        shutil.rmtree(tmp_parquet, ignore_errors=True)
        raise
    result.seconds = time.monotonic() - started
    return result


def _swap_in(tmp_file: Path, tmp_parquet: Path, result: Published) -> None:
    """Rename the new export into place. The DuckDB file is replaced in one atomic rename; the Parquet
    folder in two (the old one moved aside first), so a reader finds either the old or the new folder."""
    os.replace(tmp_file, result.export_file)
    old = result.parquet_dir.with_name(f".{PARQUET_DIR}.old-{os.getpid()}")
    if result.parquet_dir.exists():
        os.replace(result.parquet_dir, old)
    os.replace(tmp_parquet, result.parquet_dir)
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["ExportRefused", "Mart", "PublishError", "Published", "publish", "read_marts"]
