"""Was the warehouse built from the extracts in RAW_DIR? Said before anything is read.

When the door (python -m extract_contract) refuses a delivery, or dbt build fails, nothing replaces the
warehouse: `make warehouse` builds into `<warehouse dir>/.building/<name>` and swaps the new file in only
when the whole build passed. Checking the old warehouse against the new extracts would report confusing
mismatches (conservation, manifest rows, published totals at another scale), and a missing warehouse would
end in a read error. So the checks first compare file times, which cost nothing at any scale:

- the warehouse (or its .wal) was last written before the newest extract file (`*/*.parquet`,
  `manifest.json`) was: it was not built from these extracts;
- the warehouse does not exist.

Either way the message says what the metadata shows: when a build into `.building/` started after the
extracts were written and was not swapped in, that build failed (or is still running); otherwise nothing
was built from them, which is what a refused delivery leaves (the door writes nothing). Extracts copied or
touched after a good build look newer too: `--allow-older-warehouse` checks anyway.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def _when(mtime: float) -> str:
    return datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M:%S")


def newest_extract(raw_dir: Path) -> Path | None:
    files = [p for p in [raw_dir / "manifest.json", *raw_dir.glob("*/*.parquet")] if p.is_file()]
    return max(files, key=lambda p: p.stat().st_mtime, default=None)


def building_file(warehouse: Path) -> Path:
    """Where `make warehouse` builds the next warehouse before swapping it in (Makefile BUILDING_DIR)."""
    return warehouse.absolute().parent / ".building" / warehouse.name


def warehouse_mtime(warehouse: Path) -> float:
    wal = warehouse.with_name(warehouse.name + ".wal")
    return max(p.stat().st_mtime for p in (warehouse, wal) if p.exists())


def stale_warehouse(warehouse: Path, raw_dir: Path) -> str | None:
    """Why the warehouse cannot be checked against the extracts in raw_dir (what the times show, then on
    indented lines the likely cause and what to run), or None if it can."""
    newest = newest_extract(raw_dir)
    if not warehouse.exists():
        if newest is None:
            return f"warehouse {warehouse} not found (and no extracts in {raw_dir}): build it first (make warehouse)"
        state = f"warehouse {warehouse} not found: nothing has been built from the extracts in {raw_dir}."
    elif newest is None:
        return None  # no extracts to compare with: the conservation suite says what is missing
    else:
        built, written = warehouse_mtime(warehouse), newest.stat().st_mtime
        if built >= written:
            return None
        state = (f"warehouse {warehouse} is older than the extracts in {raw_dir} (built {_when(built)}, "
                 f"extracts {_when(written)}, newest {newest.relative_to(raw_dir)}): it was not built from them.")
    extracts_written = newest.stat().st_mtime
    building = building_file(warehouse)
    make_vars = f"RAW_DIR={raw_dir} WAREHOUSE={warehouse}"
    if building.exists() and building.stat().st_mtime >= extracts_written:
        cause = (f"A build into {building} (last written {_when(building.stat().st_mtime)}) was not swapped in: "
                 "dbt build failed (see its output, logs/dbt.log), was killed, or is still running.")
        advice = f"Mend what dbt build names, then run `make warehouse {make_vars}` again."
    else:
        cause = ("No build from these extracts got past the door: it probably refused the delivery (or no build "
                 "was run).")
        advice = (f"Run `make check-extracts {make_vars}` to see whether the door accepts the delivery, mend what "
                  f"it names, then `make warehouse {make_vars}`.")
    copied = (
        "If the extracts were only copied or touched after a good build, run the checks with --allow-older-warehouse.")
    return f"{state}\n  {cause}\n  {advice}\n  {copied}"
