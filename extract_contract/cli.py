"""Command line of the door check: `python -m extract_contract --raw-dir DIR`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from extract_contract.check import check_delivery, load_contract

DOCS_START = "<!-- contract table: written by `python -m extract_contract --write-docs`, do not edit -->"
DOCS_END = "<!-- end of contract table -->"


def contract_table(contract: dict[str, Any]) -> str:
    lines = ["| file | one row per | columns (type: meaning) |", "| --- | --- | --- |"]
    for name, spec in contract["files"].items():
        columns = "; ".join(
            f"`{column}` ({rule['type']}{', municipality code' if rule.get('municipality') else ''}"
            f"{', person id' if rule.get('person_id') else ''}): {rule['description']}"
            for column, rule in spec["columns"].items())
        lines.append(f"| `{name}.parquet` | {spec['one_row_per']} | {columns} |")
    return "\n".join(lines)


def write_docs(path: Path, contract: dict[str, Any]) -> bool:
    """Replace the table between the markers; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(DOCS_START) + len(DOCS_START), text.index(DOCS_END)
    updated = text[:start] + "\n" + contract_table(contract) + "\n" + text[end:]
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extract_contract", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Check a delivery of extracts against the contract (extract_contract/contract.yml) before "
                    "any model runs: checksums (SHA256SUMS, *.sha256, manifest.json `sha256`), files, Parquet "
                    "readability, columns, types, municipality codes, manifest.json. Every problem is listed, "
                    "one line each; any ERROR exits 1.")
    parser.add_argument("--raw-dir", type=Path, help="the extracts folder (RAW_DIR)")
    parser.add_argument("--allow-empty", action="store_true", help="accept files with no rows (warn instead)")
    parser.add_argument("--person-id-type", default="bigint", choices=["bigint", "varchar"],
                        help="the dbt var person_id_type: varchar accepts text pseudonyms")
    parser.add_argument("--warehouse", type=Path,
                        help="the warehouse the build will write: refused when another process holds it")
    parser.add_argument("--write-docs", type=Path, metavar="MARKDOWN",
                        help="instead of checking, write the contract's table into this file (docs/extracts.md)")
    args = parser.parse_args(argv)
    if args.write_docs:
        changed = write_docs(args.write_docs, load_contract())
        print(f"extract_contract: {args.write_docs} {'updated' if changed else 'already up to date'}")
        return 0
    if args.raw_dir is None:
        parser.error("--raw-dir is required (or --write-docs)")
    started = time.monotonic()
    print(f"extract_contract: checking the delivery in {args.raw_dir} against the contract ...", flush=True)
    report = check_delivery(args.raw_dir, allow_empty=args.allow_empty, person_id_type=args.person_id_type,
                            warehouse=args.warehouse)
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr if problem.severity == "ERROR" else sys.stdout)
    seconds = time.monotonic() - started
    rows = sum(report.rows.values())
    if report.errors:
        print(f"extract_contract: REFUSED, {len(report.errors)} error(s), {len(report.warnings)} warning(s) "
              f"in {seconds:.1f} s: nothing was built. Mend what is named above (docs/extracts.md says what "
              "each file must hold) and run again.", file=sys.stderr)
        return 1
    checksums = (f"sha256 of {len(report.verified)} files verified against {', '.join(report.checksum_sources)} "
                 f"({report.checksum_seconds:.1f} s)"
                 if report.checksum_sources else "no checksums delivered (SHA256SUMS, *.sha256 or manifest.json "
                                                 "`sha256`), files not verified")
    print(f"extract_contract: OK, {len(report.rows)} files, {rows:,} rows, {len(report.warnings)} warning(s), "
          f"{checksums}, in {seconds:.1f} s")
    return 0
