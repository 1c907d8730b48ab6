"""dbt-duckdb plugin that registers the warehouse's SQL functions on every dbt connection.

profiles.yml lists it under `plugins:` (module `warehouse_functions.plugin`); the package is installed
into the virtualenv (pyproject.toml, `make install`), so dbt imports it from wherever it runs.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from warehouse_functions.udfs import register_functions


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        # Functions live in DuckDB's system catalog, so the cursors dbt opens from this
        # connection see them too.
        register_functions(conn)
