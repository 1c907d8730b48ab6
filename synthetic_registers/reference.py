"""The project's own copies of the published numbers and code lists (seeds/), read by the generator.

The generator is calibrated to the same seeds that the warehouse's checks compare against, so there is one
copy of every published number in the repository.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GROUPS = ("ukraine_recent", "other_recent", "refugees_before_2022", "general_population")
RECENT_GROUPS = GROUPS[:2]


def read_csv(name: str) -> list[dict[str, str]]:
    path = SEEDS / name
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Reference:
    """Published numbers, keyed for the generator."""

    @cached_property
    def table1(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {g: {} for g in GROUPS}
        for row in read_csv("reference_table1_population.csv"):
            for g in GROUPS:
                if row[g] != "":
                    out[g][row["measure"]] = float(row[g])
        return out

    @cached_property
    def table2(self) -> dict[str, dict[str, float]]:
        """service -> group -> published value (counts, per-person values, mean follow-up)."""
        out: dict[str, dict[str, float]] = {}
        for row in read_csv("reference_table2_contacts.csv"):
            out[row["service"]] = {g: float(row[g]) for g in GROUPS if row[g] != ""}
        return out

    @cached_property
    def services(self) -> list[str]:
        return [r["service_key"] for r in read_csv("services.csv") if r["service_key"] in self.table2]

    @cached_property
    def municipality_cells(self) -> list[dict[str, str]]:
        return read_csv("reference_table_v2_v3_municipalities.csv")

    @cached_property
    def municipalities(self) -> list[dict[str, str]]:
        return read_csv("municipalities_2024.csv")

    @cached_property
    def text_figures(self) -> list[dict[str, str]]:
        return read_csv("reference_report_text_figures.csv")

    @cached_property
    def countries_of_birth(self) -> list[dict[str, str]]:
        return read_csv("reference_countries_of_birth.csv")

    @cached_property
    def tariff_codes(self) -> list[dict[str, str]]:
        return read_csv("tariff_codes.csv")

    @cached_property
    def hom_service_codes(self) -> list[dict[str, str]]:
        return read_csv("hom_service_codes.csv")

    def text_figure(self, **match: str) -> list[dict[str, str]]:
        return [r for r in self.text_figures if all(r[k] == v for k, v in match.items())]
