"""Command line: fetch from the warehouse, build the suites, validate them with GX, print, exit code."""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import duckdb

from python_checks import audit, checks, countries, planner, reasons
from python_checks.docs_offline import ASSETS_DIR, OfflineDocsError, vendor_files
from python_checks.fetch import fetch
from python_checks.freshness import stale_warehouse
from python_checks.gx_runner import DocsNotOfflineError, default_results_dir, run_suites
from python_checks.reference import (
    PROJECT_DIR,
    read_manifest,
    read_project_vars,
    read_reference,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m python_checks",
        description="Great Expectations checks of the warehouse: published totals, conservation, disclosure, "
                    "survival curves, countries of birth, immigration reasons, the settlement planner.")
    parser.add_argument("--warehouse", type=Path, required=True, help="DuckDB warehouse file (opened read-only)")
    parser.add_argument("--raw-dir", type=Path, required=True,
                        help="directory of the raw extracts (<register>/<file>.parquet, manifest.json if synthetic)")
    parser.add_argument("--reference-dir", type=Path, default=PROJECT_DIR / "seeds",
                        help="directory with the reference_*.csv published numbers (default: the project's seeds/)")
    parser.add_argument("--docs-dir", type=Path, default=None,
                        help="where GX Data Docs HTML is written (default: quality/gx_docs beside the warehouse "
                             "file, e.g. /secure/quality/gx_docs for /secure/warehouse.duckdb)")
    parser.add_argument("--results-dir", type=Path, default=None,
                        help="GX's store of every run's validation results, the Data Docs' history (default: "
                             "gx_results beside the docs dir)")
    parser.add_argument("--assets-dir", type=Path, default=ASSETS_DIR,
                        help="the npm-installed libraries the Data Docs load (default: "
                             "python_checks/docs_assets/node_modules, installed by `make docs-assets`)")
    parser.add_argument("--relative-tolerance", type=float, default=0.0,
                        help="relative tolerance of published counts, for real extracts (default 0: exact)")
    parser.add_argument("--suite", action="append",
                        choices=["published_totals", "conservation", "disclosure", "survival_curves",
                                 "countries_of_birth", "immigration_reasons", "settlement_planner"],
                        help="run only these suites (repeatable; default: all)")
    parser.add_argument("--allow-older-warehouse", action="store_true",
                        help="check a warehouse last written before the newest extract file (extracts copied or "
                             "touched after the build); by default that stops the checks, since the warehouse "
                             "was not built from them (a failed build, or a delivery the door refused)")
    args = parser.parse_args(argv)
    if args.docs_dir is None:
        args.docs_dir = args.warehouse.parent / "quality" / "gx_docs"
    if args.results_dir is None:
        args.results_dir = default_results_dir(args.docs_dir)
    return args


def _format(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else f"{number:.4f}"


def _difference(expected: str, observed: object) -> str:
    """' (7 fewer)' for a count whose expected text starts with an integer."""
    try:
        difference = float(observed) - int(expected.split()[0])  # type: ignore[arg-type]
    except (TypeError, ValueError, IndexError):
        return ""
    if math.isnan(difference) or difference == 0:
        return ""
    return f" ({abs(difference):,.0f} {'more' if difference > 0 else 'fewer'})"


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    args = parse_args(argv)
    if not args.raw_dir.is_dir():
        print(f"python_checks: ERROR: raw dir {args.raw_dir} not found")
        return 2
    manifest = read_manifest(args.raw_dir)
    try:
        reference = read_reference(args.reference_dir)
    except FileNotFoundError as error:
        print(f"python_checks: ERROR: {error}")
        return 2
    try:
        vendor_files(args.assets_dir)  # before the fetch (a minute at scale 1), not after
    except OfflineDocsError as error:
        print(f"python_checks: ERROR: {error}")
        return 2
    project_vars = read_project_vars()
    wanted = set(args.suite or ["published_totals", "conservation", "disclosure", "survival_curves",
                                "countries_of_birth", "immigration_reasons", "settlement_planner"])
    source = f"manifest scale {manifest.scale:g}" if manifest.present else "no manifest: real extracts, scale 1"
    print(f"python_checks: warehouse {args.warehouse}, raw {args.raw_dir} ({source}), "
          f"reference {args.reference_dir}, relative tolerance {args.relative_tolerance:g}")
    print(f"python_checks: Data Docs {args.docs_dir}, validation results kept in {args.results_dir}")
    stale = stale_warehouse(args.warehouse, args.raw_dir)
    if stale and not args.allow_older_warehouse:
        print(f"python_checks: ERROR: {stale}")
        return 2
    if stale:
        print(f"python_checks: WARNING (--allow-older-warehouse): {stale.splitlines()[0]}")

    try:
        data = fetch(args.warehouse, args.raw_dir, project_vars,
                     with_text_figures=manifest.scale >= checks.TEXT_FIGURE_MIN_SCALE and "published_totals" in wanted)
        country_data = countries.fetch_country_data(args.warehouse) if "countries_of_birth" in wanted else None
        reason_data = reasons.fetch_reason_data(args.warehouse) if "immigration_reasons" in wanted else None
        planner_data = (planner.fetch_planner_data(args.warehouse, int(project_vars.get("planning_horizon_months", 24)),
                                                   int(project_vars.get("suppression_threshold", 5)))
                        if "settlement_planner" in wanted else None)
    except (FileNotFoundError, duckdb.IOException, duckdb.CatalogException) as error:
        # A missing file, a warehouse held by another process (dbt) or a partial build (a missing table).
        print(f"python_checks: ERROR reading the warehouse: {error}")
        return 2
    suites = []
    if "published_totals" in wanted:
        suites.append(checks.published_totals(reference, data, manifest, args.relative_tolerance))
    if "conservation" in wanted:
        suites.append(checks.conservation(data, manifest))
    if "disclosure" in wanted:
        suites.append(checks.disclosure(data, int(project_vars.get("suppression_threshold", 5)),
                                        bool(project_vars.get("suppress_zero", True))))
    if "survival_curves" in wanted:
        suites.append(checks.survival_curves(data))
    if country_data is not None:
        suites.append(countries.countries_of_birth(countries.read_reference_countries(args.reference_dir),
                                                   country_data, manifest, args.relative_tolerance))
    if reason_data is not None:
        suites.append(reasons.immigration_reasons(reason_data))
    if planner_data is not None:
        suites.append(planner.settlement_planner(planner_data))
    fetched = time.monotonic()
    print(f"\naudited rows ({audit.AUDIT_TABLE}: raw rows not staged, and why), per file and reason, "
          "largest first:")
    for line in audit.summary_lines(data.audit, [f"{file}.parquet" for file in data.raw_files["file"]]):
        print(f"  {line}")

    run_name = f"{args.warehouse.name}-" + (f"scale_{manifest.scale:g}" if manifest.present else "real_extracts")
    docs_error: DocsNotOfflineError | None = None
    try:
        results, index = run_suites(suites, args.docs_dir, args.results_dir, run_name, args.assets_dir)
    except DocsNotOfflineError as error:  # validated, but a page would need the network: report both
        docs_error, results, index = error, error.results, error.index
    failed = 0
    for suite, result in zip(suites, results, strict=True):
        status = "PASS" if result.success else "FAIL"
        print(f"\n[{status}] suite {result.name}: {result.evaluated} cells, {len(result.failures)} failed")
        failed_by_family: dict[str, int] = {}
        for failure in result.failures:
            failed_by_family[failure.family] = failed_by_family.get(failure.family, 0) + 1
        families: dict[str, int] = {}
        for check in suite.checks:
            families[check.family] = families.get(check.family, 0) + 1
        print("  " + ", ".join(f"{family} {n - failed_by_family.get(family, 0)}/{n}"
                               for family, n in families.items()))
        for note in suite.notes:
            print(f"  note: {note}")
        previous = None
        for failure in result.failures:
            print(f"  FAILED {failure.family}: {failure.cell}: expected {failure.expected}, "
                  f"observed {_format(failure.observed)}"
                  + (_difference(failure.expected, failure.observed) if failure.audited else ""))
            if failure.audited:
                print("    audited rows that may explain it: "
                      + ("as above" if failure.audited == previous else failure.audited))
                previous = failure.audited
        failed += 0 if result.success else 1
    print(f"\nGX Data Docs: {index} (every run kept, newest first; results in {args.results_dir})")
    print(f"python_checks: {len(results) - failed}/{len(results)} suites passed "
          f"(fetch {fetched - started:.1f}s, total {time.monotonic() - started:.1f}s)")
    if docs_error is not None:
        print(f"python_checks: ERROR: {docs_error}")
        return 2
    return 1 if failed else 0
