"""Zip the dashboard kept in bi/superset/dashboard/ into a bundle that `superset import-dashboards` reads.

The folder holds Superset's native export format (metadata.yaml, databases/, datasets/, charts/,
dashboards/). The only change made here is the database's URI: `__BI_EXPORT__` becomes the absolute path of
the BI export, so the repository carries no machine-specific path.

    python bi/superset/bundle.py --export data/bi/marts.duckdb --out data/superset/dashboard.zip
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "dashboard"
PLACEHOLDER = "__BI_EXPORT__"
ROOT = "dashboard_export"  # the importer drops the first path component of every file in the zip


def build_bundle(export: Path, out: Path, source: Path = SOURCE) -> list[str]:
    """Write the zip; return the names of the files it holds (relative to the bundle root)."""
    export = export.resolve()
    files = sorted(p for p in source.rglob("*.yaml") if p.is_file())
    if not any(p.relative_to(source).parts[0] == "dashboards" for p in files):
        raise SystemExit(f"no dashboard in {source}/dashboards")
    out.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in files:
            rel = path.relative_to(source).as_posix()
            text = path.read_text(encoding="utf-8")
            if rel.startswith("databases/"):
                if PLACEHOLDER not in text:
                    raise SystemExit(f"{path}: sqlalchemy_uri must name the export as {PLACEHOLDER}")
                text = text.replace(PLACEHOLDER, str(export))
            yaml.safe_load(text)  # a malformed file fails here, with its name, not inside Superset
            bundle.writestr(f"{ROOT}/{rel}", text)
            names.append(rel)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export", type=Path, required=True, help="the BI export (DuckDB file)")
    parser.add_argument("--out", type=Path, required=True, help="the zip to write")
    args = parser.parse_args(argv)
    names = build_bundle(args.export, args.out)
    print(f"bundle {args.out}: {len(names)} files, database -> {args.export.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
