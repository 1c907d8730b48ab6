"""Published numbers (the project's seeds), the extracts' manifest and the project's dbt vars."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
GROUPS = ("ukraine_recent", "other_recent", "refugees_before_2022", "general_population")
RECENT_GROUPS = ("ukraine_recent", "other_recent")


@dataclass(frozen=True)
class Reference:
    """The published tables, read from the reference directory (default: the project's seeds/)."""

    table1: pd.DataFrame
    table2: pd.DataFrame
    municipalities: pd.DataFrame
    text_figures: pd.DataFrame


@dataclass(frozen=True)
class Manifest:
    """What the extracts say about themselves; `present` is false for real extracts (no manifest)."""

    present: bool
    scale: float
    rows: dict[str, int]


def read_reference(reference_dir: Path) -> Reference:
    def read(name: str) -> pd.DataFrame:
        path = reference_dir / name
        if not path.exists():
            raise FileNotFoundError(f"reference file {path} not found (--reference-dir)")
        return pd.read_csv(path, dtype=str, keep_default_na=False)

    return Reference(
        table1=read("reference_table1_population.csv"),
        table2=read("reference_table2_contacts.csv"),
        municipalities=read("reference_table_v2_v3_municipalities.csv"),
        text_figures=read("reference_report_text_figures.csv"),
    )


def read_manifest(raw_dir: Path) -> Manifest:
    path = raw_dir / "manifest.json"
    if not path.exists():
        return Manifest(present=False, scale=1.0, rows={})
    data: dict[str, Any] = json.loads(path.read_text())
    return Manifest(present=True, scale=float(data["scale"]), rows={k: int(v) for k, v in data["rows"].items()})


def read_project_vars() -> dict[str, Any]:
    """The dbt vars (dbt_project.yml), so the checks use the warehouse's own definitions."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(project.get("vars", {}))


def scaled(published: float, scale: float) -> int:
    """Expected count at a scale: floor(published x scale + 0.5)."""
    return math.floor(published * scale + 0.5)


def print_unit(printed: str) -> float:
    """One unit of the last printed digit: '30.5' -> 0.1, '60' -> 1."""
    text = printed.strip()
    if "." not in text:
        return 1.0
    return 10.0 ** -len(text.split(".", 1)[1])
