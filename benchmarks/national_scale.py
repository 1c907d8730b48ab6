"""Time the generator, `dbt build` and the quality checks at a given scale, several runs, and print each
run's wall time and peak memory (from /usr/bin/time -v) and the median.

    .venv/bin/python benchmarks/national_scale.py --scale 1 --runs 3 --work /big/bench
    .venv/bin/python benchmarks/national_scale.py --scale 1 --selector core --work /big/bench --raw-dir ...

`--selector core` times `dbt build --selector core` (selectors.yml: the staged registers, classification and
core models with their tests, issue 3's acceptance) instead of the whole build, and skips the quality
checks, which read the marts. Every run starts from an empty warehouse; the extracts are generated once
(or reused with --raw-dir).
Run it on an otherwise idle machine: the figures are only as good as that. Before and after the builds it
times a fixed DuckDB query (grouping 20 M generated keys, no files), so that figures taken at different
times can be compared: on a shared machine the same build can differ by a third from one hour to the next.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Run `command` under /usr/bin/time -v; return (wall seconds, peak resident GB). Fails loudly."""
    with log.open("w") as out:
        done = subprocess.run(["/usr/bin/time", "-v", *command], cwd=ROOT, env=env, stdout=out,
                              stderr=subprocess.STDOUT, check=False)
    text = log.read_text()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {done.returncode}); see {log}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not wall or not rss:
        raise SystemExit(f"no /usr/bin/time figures in {log}")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return seconds, int(rss.group(1)) / 1024 / 1024


def calibration_seconds(runs: int = 3) -> float:
    """Median wall time of a fixed, file-free DuckDB grouping of 20 M keys: the machine's speed right now."""
    import duckdb

    times = []
    for _ in range(runs):
        con = duckdb.connect()
        con.execute("set enable_progress_bar = false")
        start = time.perf_counter()
        con.execute("select count(*) from (select (i * 2654435761) % 20000003 as k from range(20000000) t(i) "
                    "group by k)").fetchall()
        times.append(time.perf_counter() - start)
        con.close()
    return statistics.median(times)


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {seconds % 60:04.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3, help="dbt build runs (default 3)")
    parser.add_argument("--work", type=Path, required=True, help="directory for extracts, warehouse and logs")
    parser.add_argument("--raw-dir", type=Path, help="existing extracts to reuse instead of generating")
    parser.add_argument("--selector", help="time `dbt build --selector NAME` (selectors.yml); skips the checks")
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    print(f"calibration (fixed DuckDB grouping of 20 M keys) before: {calibration_seconds():.1f} s", flush=True)
    env = dict(os.environ)
    raw = args.raw_dir
    rows: list[tuple[str, float, float]] = []
    if raw is None:
        raw = args.work / "raw"
        shutil.rmtree(raw, ignore_errors=True)
        wall, peak = timed([str(VENV_BIN / "python"), "-m", "synthetic_registers", "--scale", str(args.scale),
                            "--seed", str(args.seed), "--out", str(raw), "--quiet"], env, args.work / "generate.log")
        rows.append(("generator", wall, peak))
        print(f"generator: {minutes(wall)}, {peak:.1f} GB", flush=True)

    threshold = max(1, int(args.scale * 200 + 0.5))
    warehouse = args.work / "warehouse.duckdb"
    env.update(RAW_DIR=str(raw.resolve()), WAREHOUSE=str(warehouse.resolve()),
               DBT_TARGET_PATH=str((args.work / "target").resolve()), DBT_LOG_PATH=str((args.work / "logs").resolve()))
    builds = []
    for run in range(1, args.runs + 1):
        for stale in (warehouse, warehouse.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        selection = ["--selector", args.selector] if args.selector else []
        wall, peak = timed([str(VENV_BIN / "dbt"), "build", *selection, "--profiles-dir", ".", "--project-dir", ".",
                            "--vars", f"{{municipality_min_settled_ukrainian_refugees: {threshold}}}"],
                           env, args.work / f"dbt_build_{run}.log")
        builds.append((wall, peak))
        print(f"dbt build run {run}: {minutes(wall)}, {peak:.1f} GB", flush=True)

    if args.selector:
        print(f"quality checks: skipped (they read the marts, which --selector {args.selector} does not build)")
    else:
        wall, peak = timed([str(VENV_BIN / "python"), "-m", "python_checks", "--warehouse", str(warehouse),
                            "--raw-dir", str(raw), "--docs-dir", str(args.work / "gx_docs")], env,
                           args.work / "checks.log")
        print(f"quality checks: {minutes(wall)}, {peak:.1f} GB", flush=True)

    print(f"calibration after: {calibration_seconds():.1f} s", flush=True)
    median_wall = statistics.median(w for w, _ in builds)
    median_peak = statistics.median(p for _, p in builds)
    what = f"dbt build --selector {args.selector}" if args.selector else "dbt build"
    print(f"{what} at scale {args.scale:g}, median of {len(builds)}: {minutes(median_wall)}, "
          f"{median_peak:.1f} GB peak (runs: {', '.join(minutes(w) for w, _ in builds)})")


if __name__ == "__main__":
    main()
