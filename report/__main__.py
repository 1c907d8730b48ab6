"""python -m report --bi-dir data/bi --out data/report"""

from __future__ import annotations

import argparse
from pathlib import Path

from .site import PAGES, main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m report",
        description=(
            "Render the FHI 2025 report (tables 1-3, V2/V3, figures 3-9, V1) as a static HTML site from the BI "
            "export alone (<bi-dir>/marts.duckdb, opened read-only). Pages: index, "
            + ", ".join(spec.slug for spec in PAGES)
            + ". Every table is also written as CSV, every figure as SVG, PNG and CSV, beside its page. "
            "The site needs no network and no JavaScript."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--bi-dir", type=Path, default=Path("data/bi"), help="folder of the BI export (marts.duckdb)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("data/report"),
        help="folder of the site; replaced as a whole when the new site is complete",
    )
    return parser.parse_args(argv)


def cli(argv: list[str] | None = None) -> int:
    """The `refugee-health-report` entry point (pyproject.toml), the same as `python -m report`."""
    arguments = parse_args(argv)
    return main(arguments.bi_dir, arguments.out)


if __name__ == "__main__":
    raise SystemExit(cli())
