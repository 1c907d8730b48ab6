"""The guard a BI export must pass before it is swapped in: what a BI user may see, and nothing more.

Every rule is checked and every breach listed, one line each, before the export is refused:
- exactly the marts and the `about` table: no other table, no view, no other schema;
- plain SQL types only (no ENUM, no nested types), so any BI tool and any Parquet reader takes them;
- no column at person level: no identifier (`id`, `*_id`), no date of a person (`*_date`, birth, death), no
  source row number; and every mart has its declared grain (`config.meta.grain`), unique in the export,
  made of such aggregate dimensions only;
- no published count resting on 1..threshold (0..threshold with suppress_zero) in any column the mart's
  yml marks `disclosure_count`, and no mart without such a column (it would escape the scan);
- a description (`COMMENT ON`) on every table and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from bi_export.publish import Mart

PLAIN_TYPE = re.compile(r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|"
                        r"FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|VARCHAR|DATE)$")
PERSON_LEVEL_COLUMN = re.compile(r"(^id$|_id$|_date$|birth|death|source_row|pseudonym|fnr|lopenr)")


class ExportRefused(Exception):
    """The export breaks a rule of the guard; `problems` lists every breach."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("the BI export was refused, nothing was published:\n" +
                         "\n".join(f"  - {problem}" for problem in self.problems))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def check_export(connection: duckdb.DuckDBPyConnection, *, marts: Sequence[Mart], about_table: str,
                 threshold: int, suppress_zero: bool) -> None:
    problems: list[str] = []
    expected = {mart.name for mart in marts} | {about_table}
    tables = {
        (schema, name): comment for schema, name, comment in connection.execute(
            "select schema_name, table_name, comment from duckdb_tables() "
            "where database_name = current_database()").fetchall()}
    views = connection.execute("select schema_name, view_name from duckdb_views() "
                               "where database_name = current_database() and not internal").fetchall()
    problems += [f"view {schema}.{name}: the export holds tables only" for schema, name in views]
    for schema, name in sorted(tables):
        if schema != "main" or name not in expected:
            problems.append(f"table {schema}.{name} is not a mart: only the marts and `{about_table}` may be exported")
        elif not (tables[(schema, name)] or "").strip():
            problems.append(f"table {name} has no description (COMMENT ON TABLE)")
    problems += [f"mart {name} is missing from the export" for name in sorted(expected - {n for _, n in tables})]

    columns = connection.execute(
        "select table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'main' order by table_name, column_index"
    ).fetchall()
    for table, column, data_type, comment in columns:
        if not PLAIN_TYPE.match(data_type):
            problems.append(f"{table}.{column} has type {data_type}: only plain SQL types may be exported")
        if PERSON_LEVEL_COLUMN.search(column):
            problems.append(f"{table}.{column} looks person-level (an identifier, a person's date or a source "
                            "row): a mart may carry aggregates only")
        if not (comment or "").strip():
            problems.append(f"{table}.{column} has no description (COMMENT ON COLUMN)")

    lowest = 0 if suppress_zero else 1
    present = {(table, column) for table, column, _, _ in columns}
    for mart in marts:
        if ("main", mart.name) not in tables:
            continue
        grain = [part.strip() for part in mart.grain.split(" x ") if part.strip()]
        if not grain:
            problems.append(f"mart {mart.name} declares no grain (config.meta.grain in its yml)")
        elif missing := [column for column in grain if (mart.name, column) not in present]:
            problems.append(f"mart {mart.name}: grain column(s) {', '.join(missing)} not in the export")
        else:
            keys = ", ".join(_quote(column) for column in grain)
            duplicated = connection.execute(
                f"select count(*) from (select {keys} from main.{_quote(mart.name)} group by all "
                "having count(*) > 1)").fetchone()
            if duplicated and duplicated[0]:
                problems.append(f"mart {mart.name}: {duplicated[0]} value(s) of its grain ({mart.grain}) occur more "
                                "than once: finer than the declared grain")
        if not mart.disclosure_columns:
            problems.append(f"mart {mart.name} has no column marked disclosure_count: its cells would escape "
                            "the disclosure scan")
        for column in mart.disclosure_columns:
            if (mart.name, column) not in present:
                problems.append(f"mart {mart.name}: disclosure column {column} not in the export")
                continue
            small = connection.execute(
                f"select count(*) from main.{_quote(mart.name)} "
                f"where {_quote(column)} between {lowest} and {threshold}").fetchone()
            if small and small[0]:
                problems.append(f"{mart.name}.{column}: {small[0]} unsuppressed cell(s) resting on {lowest}-"
                                f"{threshold} persons or contacts")
    if problems:
        raise ExportRefused(problems)
