"""Validate each suite's checks with Great Expectations and write Data Docs.

Each suite's checks are one pandas DataFrame (one row per cell). Each family of checks becomes two
expectations on that frame, restricted to the family's rows with a row condition:
`observed >= lower` and `upper >= observed` (ExpectColumnPairValuesAToBeGreaterThanB, rows with a missing
value count as failures). The failed rows, identified by their `cell`, are read back from GX's result
(unexpected_index_list) and printed.

Naming the damage: a count compared with a published total carries, in the frame's `audited` column, the
audited rows of the extract files it derives from, per file and reason (python_checks/audit.py). It is one
of the unexpected index columns, so the stored result and the Data Docs' table of failed rows show it beside
cell, expected and observed; each expectation's `description` (which the validation page renders) names its
family's rule and the audited rows of the family's files, and the conservation suite's raw = staged +
rejected family lists the whole audit once, so a passing run's page shows the usual rejections too.

History: every run's validation results are kept as JSON in GX's own validation results store, a
filesystem store beside the docs (`results_dir`, default `<docs_dir>/../gx_results`,
`<suite>/<run name>/<run time>/<batch>.json`). GX's Data Docs index lists every result in that store, newest
first, and keeps the page of each; all suites of one run share one run name and run time. The pages are then
made to work offline (python_checks/docs_offline.py).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.row_conditions import Column

from python_checks import audit, docs_offline
from python_checks.checks import SuiteChecks

SITE_NAME = "python_checks"
RESULTS_STORE = "validation_results_history"
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["cell", "expected", "observed", "audited"],
    "return_unique_unexpected_index_column_names": False,
}


@dataclass(frozen=True)
class Failure:
    suite: str
    family: str
    cell: str
    expected: str
    observed: object
    # for a count: the audited rows of the files it derives from, per file and reason ("" otherwise)
    audited: str = ""


@dataclass(frozen=True)
class SuiteResult:
    name: str
    success: bool
    evaluated: int
    failures: list[Failure]


def _description(suite: SuiteChecks, family: str, rule: str, details: bool) -> str:
    """What the Data Docs show for an expectation: its family, rule and (`details`: on the first of the
    family's two) for counts the audited rows of the files they derive from, and the suite's details. GX
    1.24 renders `description` on the validation page, line breaks kept, as HTML (so it is escaped here);
    it does not render `meta` or `notes` there."""
    lines = [f"{family}: {rule}"]
    sources = suite.family_sources(family)
    if details and sources:
        lines.append(f"Audited rows ({audit.AUDIT_TABLE}) in the files these counts derive from, which can "
                     "explain a failed count (each failed cell lists those of its own files):")
        listed = audit.per_file(suite.audit, sources)
        lines += [f"{file}: {reasons}" for file, _, reasons in listed]
        found = {file for file, _, _ in listed}
        if none := [file for file in sources if file not in found]:
            lines.append(f"none in {', '.join(none)}")
    if details:
        lines += suite.details.get(family, [])
    elif sources or family in suite.details:
        lines.append("(audited rows: see the expectation above)")
    return "\n".join(html.escape(line, quote=False) for line in lines)


def _expectations(suite: SuiteChecks) -> list[Any]:
    expectations: list[Any] = []
    families = dict.fromkeys(c.family for c in suite.checks)
    for family in families:
        notes = suite.families.get(family, family)
        condition = Column("family") == family
        for column_a, column_b, side in (("observed", "lower", "at least"), ("upper", "observed", "at most")):
            rule = f"{notes} (observed {side} the band's {'lower' if side == 'at least' else 'upper'} end)"
            expectations.append(gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=column_a, column_B=column_b, or_equal=True, ignore_row_if="neither",
                row_condition=condition, description=_description(suite, family, rule, side == "at least"),
                meta={"notes": rule, "family": family},
            ))
    return expectations


class DocsNotOfflineError(docs_offline.OfflineDocsError):
    """The suites were validated (`results`, kept in the store), but the Data Docs would need the network."""

    def __init__(self, message: str, results: list[SuiteResult], index: Path) -> None:
        super().__init__(message)
        self.results = results
        self.index = index


def default_results_dir(docs_dir: Path) -> Path:
    """Where a docs site's validation results are kept: `gx_results` beside it."""
    return docs_dir.resolve().parent / "gx_results"


def _run_name(name: str) -> str:
    """A run name GX can use as one folder name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "run"


def _set_aside_pages_without_results(docs_dir: Path, results_dir: Path) -> list[Path]:
    """GX deletes a validation page whose result is not in the store (pages written before results were
    kept); move them to `<docs_dir>_without_results/` instead and say so."""
    pages_root = docs_dir / "validations"
    if not pages_root.is_dir():
        return []
    moved: list[Path] = []
    for page in sorted(pages_root.rglob("*.html")):
        relative = page.relative_to(pages_root)
        if (results_dir / relative.with_suffix(".json")).is_file():
            continue
        target = docs_dir.with_name(docs_dir.name + "_without_results") / "validations" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(page, target)
        moved.append(target)
    return moved


def run_suites(suites: list[SuiteChecks], docs_dir: Path, results_dir: Path | None = None,
               run_name: str = "python_checks",
               assets_dir: Path = docs_offline.ASSETS_DIR) -> tuple[list[SuiteResult], Path]:
    """Validate the suites, keep their results in `results_dir` and rebuild the Data Docs in `docs_dir`
    (every kept run, newest first, working offline). Raises docs_offline.OfflineDocsError before validating
    if the offline assets are not installed, and after it if a page would still need the network."""
    docs_offline.vendor_files(assets_dir)  # fail before validating, not after, if the assets are missing
    started = time.time()
    docs_dir = docs_dir.resolve()
    docs_dir.mkdir(parents=True, exist_ok=True)
    results_dir = (results_dir or default_results_dir(docs_dir)).resolve()
    results_dir.mkdir(parents=True, exist_ok=True)
    for page in _set_aside_pages_without_results(docs_dir, results_dir):
        print(f"python_checks: note: {page.name} had no stored validation result (written before results "
              f"were kept); moved to {page}")
    run_id = RunIdentifier(run_name=_run_name(run_name), run_time=datetime.now(UTC))
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_store(RESULTS_STORE, {
        "class_name": "ValidationResultsStore",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(results_dir)},
    })
    context.validation_results_store_name = RESULTS_STORE
    context.add_data_docs_site(site_name=SITE_NAME, site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    datasource = context.data_sources.add_pandas("warehouse_dataframes")
    results: list[SuiteResult] = []
    for suite in suites:
        frame = suite.frame()
        # GX renders the failed rows' cells as HTML
        frame["audited"] = frame["audited"].map(lambda text: html.escape(text, quote=False))
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
        run = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_id)
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
                    failures.append(Failure(suite.name, family, cell, str(row.get("expected")), row.get("observed"),
                                            html.unescape(str(row.get("audited") or ""))))
        # CheckpointResult.success is Optional only until its validator fills it from the run results
        results.append(SuiteResult(suite.name, bool(run.success) and not failures, len(frame), failures))
    index = docs_dir / "index.html"
    try:
        docs_offline.make_offline(docs_dir, assets_dir, since=started)
    except docs_offline.OfflineDocsError as error:
        raise DocsNotOfflineError(str(error), results, index) from error
    return results, index
