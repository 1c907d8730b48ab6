"""Command line of the BI export: `python -m bi_export --warehouse W --out-dir data/bi`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from bi_export.guard import ExportRefused
from bi_export.publish import PublishError, publish

PROJECT_DIR = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bi_export", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Publish the disclosure-controlled marts of a built warehouse as the BI export: a DuckDB file "
                    "of the marts only (plain types, labels, descriptions, an `about` table) and one Parquet file "
                    "per mart. The export is checked (no person-level column, no small cell) before it replaces "
                    "the previous one.")
    parser.add_argument("--warehouse", type=Path, default=PROJECT_DIR / "data" / "warehouse.duckdb",
                        help="the built warehouse (opened read-only, briefly)")
    parser.add_argument("--manifest", type=Path, default=PROJECT_DIR / "target" / "manifest.json",
                        help="dbt's manifest of the build (marts, descriptions, disclosure columns)")
    parser.add_argument("--raw-dir", type=Path, default=None,
                        help="the extracts the warehouse was built from; a manifest.json there names the synthetic "
                             "scale and seed, otherwise the export says 'real extracts'")
    parser.add_argument("--out-dir", type=Path, default=PROJECT_DIR / "data" / "bi",
                        help="where marts.duckdb and parquet/ are published")
    parser.add_argument("--vars", default="{}",
                        help="the dbt --vars the warehouse was built with (YAML), recorded in `about`")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        overrides = yaml.safe_load(args.vars) or {}
        if not isinstance(overrides, dict):
            raise PublishError(f"--vars {args.vars!r} is not a mapping")
        result = publish(warehouse=args.warehouse.resolve(), manifest_path=args.manifest.resolve(),
                         out_dir=args.out_dir.resolve(), raw_dir=args.raw_dir.resolve() if args.raw_dir else None,
                         project_dir=PROJECT_DIR, var_overrides=overrides)
    except (PublishError, ExportRefused, yaml.YAMLError) as error:
        print(f"bi_export: ERROR: {error}", file=sys.stderr)
        return 1
    rows = sum(result.tables.values())
    print(f"bi_export: published {len(result.tables)} tables ({rows:,} rows) in {result.seconds:.1f} s")
    print(f"bi_export:   {result.export_file}")
    print(f"bi_export:   {result.parquet_dir}/<table>.parquet")
    return 0
