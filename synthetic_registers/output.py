"""What each step of the generator writes and counts: Parquet files, their rows, the irregular rows injected.

Every writer returns its own Tally; generate.write_extracts adds them up for the manifest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Tally:
    """Rows written per file, and irregular rows per kind and file (the manifest's `rows` and `irregularities`)."""

    rows: dict[str, int] = field(default_factory=dict)
    injected: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, kind: str, file: str, n: int) -> None:
        self.injected.setdefault(kind, {})
        self.injected[kind][file] = self.injected[kind].get(file, 0) + int(n)

    @classmethod
    def combined(cls, tallies: Iterable[Tally]) -> Tally:
        """The sum of `tallies`; each kind's files in the order they were first counted."""
        total = cls()
        for tally in tallies:
            for name, n in tally.rows.items():
                total.rows[name] = total.rows.get(name, 0) + n
            for kind, files in tally.injected.items():
                for file, n in files.items():
                    total.count(kind, file, n)
        return total


@dataclass(frozen=True)
class Files:
    """Parquet files under `directory` (named like "kpr/kuhr_regninger"), their rows counted in `tally`."""

    directory: Path
    tally: Tally = field(default_factory=Tally)

    def write(self, name: str, table: pa.Table, writer: pq.ParquetWriter | None = None) -> None:
        """Write `table` as the whole file `name`, or append it to `writer` (see open)."""
        self.tally.rows[name] = self.tally.rows.get(name, 0) + table.num_rows
        if writer is None:
            pq.write_table(table, self.directory / f"{name}.parquet", compression="zstd", row_group_size=1 << 20)
        else:
            writer.write_table(table, row_group_size=1 << 20)

    def open(self, name: str, schema: pa.Schema) -> pq.ParquetWriter:
        """A writer for the file `name`, written in parts by write(); counted even if no row is written."""
        self.tally.rows.setdefault(name, 0)
        return pq.ParquetWriter(self.directory / f"{name}.parquet", schema, compression="zstd")

    def count(self, kind: str, file: str, n: int) -> None:
        self.tally.count(kind, file, n)
