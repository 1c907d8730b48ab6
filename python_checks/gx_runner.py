"""Validate each suite's checks with Great Expectations and write Data Docs.

Each suite's checks are one pandas DataFrame (one row per cell). Each family of checks becomes two
expectations on that frame, restricted to the family's rows with a row condition:
`observed >= lower` and `upper >= observed` (ExpectColumnPairValuesAToBeGreaterThanB, rows with a missing
value count as failures). The failed rows, identified by their `cell`, are read back from GX's result
(unexpected_index_list) and printed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.row_conditions import Column

from python_checks.checks import SuiteChecks

SITE_NAME = "python_checks"
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["cell", "expected", "observed"],
    "return_unique_unexpected_index_column_names": False,
}


@dataclass(frozen=True)
class Failure:
    suite: str
    family: str
    cell: str
    expected: str
    observed: object


@dataclass(frozen=True)
class SuiteResult:
    name: str
    success: bool
    evaluated: int
    failures: list[Failure]


def _expectations(suite: SuiteChecks) -> list[Any]:
    expectations: list[Any] = []
    families = dict.fromkeys(c.family for c in suite.checks)
    for family in families:
        notes = suite.families.get(family, family)
        condition = Column("family") == family
        for column_a, column_b, side in (("observed", "lower", "at least"), ("upper", "observed", "at most")):
            expectations.append(gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=column_a, column_B=column_b, or_equal=True, ignore_row_if="neither",
                row_condition=condition,
                meta={"notes": f"{notes} (observed {side} the band's {'lower' if side == 'at least' else 'upper'} end)",
                      "family": family},
            ))
    return expectations


def run_suites(suites: list[SuiteChecks], docs_dir: Path) -> tuple[list[SuiteResult], Path]:
    docs_dir = docs_dir.resolve()
    docs_dir.mkdir(parents=True, exist_ok=True)
    # The site lists only this run's results; drop the pages of earlier runs (GX's own layout only).
    for stale in ("validations", "expectations"):
        if (docs_dir / stale).is_dir():
            shutil.rmtree(docs_dir / stale)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_data_docs_site(site_name=SITE_NAME, site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    datasource = context.data_sources.add_pandas("warehouse_dataframes")
    results: list[SuiteResult] = []
    for suite in suites:
        frame = suite.frame()
        asset = datasource.add_dataframe_asset(name=suite.name)
        batch_definition = asset.add_batch_definition_whole_dataframe(f"{suite.name}_checks")
        gx_suite = context.suites.add(gx.ExpectationSuite(
            name=suite.name, expectations=_expectations(suite),
            meta={"notes": {"format": "markdown", "content": list(suite.notes) or ["(no notes)"]}}))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite))
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{suite.name}_checkpoint", validation_definitions=[validation],
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[SITE_NAME])],
            result_format=RESULT_FORMAT))
        run = checkpoint.run(batch_parameters={"dataframe": frame})
        failures: list[Failure] = []
        seen: set[str] = set()
        for validation_result in run.run_results.values():
            for result in validation_result.results:
                if result.success:
                    continue
                family = str(result.expectation_config.meta.get("family", "?")) if result.expectation_config else "?"
                if result.exception_info and result.exception_info.get("raised_exception"):
                    failures.append(Failure(suite.name, family, f"GX error: {result.exception_info}", "", None))
                    continue
                for row in result.result.get("unexpected_index_list") or []:
                    cell = str(row.get("cell"))
                    if cell in seen:
                        continue
                    seen.add(cell)
                    failures.append(Failure(suite.name, family, cell, str(row.get("expected")), row.get("observed")))
        results.append(SuiteResult(suite.name, run.success and not failures, len(frame), failures))
    index = docs_dir / "index.html"
    return results, index
