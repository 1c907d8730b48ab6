"""Reading the BI export: one short read-only connection, every table into memory, closed again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

EXPORT_FILE = "marts.duckdb"

# The marts the report shows, plus `about` (build provenance).
MARTS = (
    "population_by_group",
    "contacts_by_group",
    "consultation_time_interpreter_share",
    "annual_rates",
    "monthly_contact_share",
    "age_sex_rates",
    "time_to_first_contact",
    "time_to_first_contact_survival",
    "diagnosis_chapter_shares",
    "municipality_rates",
    "refugee_health_service_comparison",
    "municipality_traffic_light",
    "annual_rates_by_country_of_birth",
    "contacts_by_country_of_birth",
    "annual_rates_by_immigration_reason",
    "monthly_contact_share_by_immigration_reason",
    "time_to_first_contact_by_immigration_reason",
    "planned_contacts",
)


class ExportError(RuntimeError):
    """The BI export is missing or lacks a table the report needs."""


@dataclass(frozen=True)
class Export:
    path: Path
    tables: dict[str, pd.DataFrame]
    about: dict[str, str]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def var(self, name: str, default: object = None) -> object:
        """A study var as the build used it: `about` key var.<name>, whose value is JSON ("5", "\"2022-04-01\"")."""
        text = self.about.get(f"var.{name}")
        if text is None:
            return default
        try:
            return json.loads(text)
        except ValueError:
            return text


def export_path(bi_dir: Path) -> Path:
    return Path(bi_dir) / EXPORT_FILE


def load_export(bi_dir: Path) -> Export:
    """Every mart of the report and the `about` table, read in one brief read-only connection."""
    path = export_path(bi_dir)
    if not path.is_file():
        raise ExportError(f"no BI export at {path} (make publish writes it)")
    with duckdb.connect(str(path), read_only=True) as con:
        present = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()}
        missing = [name for name in (*MARTS, "about") if name not in present]
        if missing:
            raise ExportError(f"{path} lacks table(s) {', '.join(missing)}")
        tables = {name: con.execute(f'select * from main."{name}"').df() for name in MARTS}
        about = dict(con.execute("select key, value from main.about").fetchall())
    return Export(path=path, tables=tables, about=about)


def data_description(about: dict[str, str]) -> str:
    """'Synthetic extracts, scale 0.1, seed 2025 (generator 1.0.0)' or 'Real extracts'."""
    if about.get("data_source", "").strip().lower() == "synthetic":
        return (
            f"Synthetic extracts, scale {about.get('synthetic_scale', '?')}, seed {about.get('synthetic_seed', '?')}"
            f" (generator {about.get('generator_version', '?')})"
        )
    return "Real extracts"
