"""Command line: check a settlement plan, build the planner's models on an existing warehouse, write CSV.

    .venv/bin/python -m planner --plan my_plan.csv [--warehouse data/warehouse.duckdb] [--out data/plan]

Nothing else is rebuilt: only the dbt models tagged `planner` (the plan, its cells, the mart
planned_contacts) and their tests, reading the rates and settlement mixes the warehouse build left there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from planner.validate import PROJECT, problems, project_rules

MART = "marts.planned_contacts"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m planner", description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, required=True,
                        help="settlement plan CSV: municipality_code, settlement_month (YYYY-MM), persons, and "
                             "optionally group_key, sex, age_group")
    parser.add_argument("--warehouse", type=Path, default=PROJECT / "data" / "warehouse.duckdb",
                        help="a built warehouse (make warehouse); written to: the planner's tables only")
    parser.add_argument("--out", type=Path, default=PROJECT / "data" / "plan",
                        help="where planned_contacts.csv is written (default data/plan)")
    return parser.parse_args(argv)


def warehouse_problem(warehouse: Path) -> str | None:
    """None when the warehouse can be opened and holds what the planner reads; else why not."""
    if not warehouse.is_file():
        return f"no warehouse at {warehouse}: build one first (make warehouse, or make build)"
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            tables = {row[0] for row in con.execute(
                "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
    except duckdb.IOException as error:
        return (f"{warehouse} cannot be opened ({str(error).splitlines()[0]}): another process holds it "
                "(a BI tool, a notebook, a build); close it and run again")
    needed = {"aggregates.int_planner_rates", "aggregates.int_planner_settlement_mix"}
    missing = sorted(needed - tables)
    if missing:
        return f"{warehouse} lacks {', '.join(missing)}: it was built before the planner existed; rebuild it"
    return None


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    args = parse_args(argv)
    plan = args.plan.resolve()
    found = problems(plan, project_rules())
    if found:
        print(f"planner: the plan was refused ({len(found)} problem{'s' * (len(found) != 1)}); nothing was built:")
        for line in found:
            print(f"  {line}")
        return 2
    trouble = warehouse_problem(args.warehouse)
    if trouble:
        print(f"planner: ERROR: {trouble}")
        return 2
    print(f"planner: plan {plan} checked; building the planner's models on {args.warehouse}", flush=True)
    env = dict(os.environ, WAREHOUSE=str(args.warehouse.resolve()), DBT_PROJECT_DIR=str(PROJECT))
    command = [str(Path(sys.executable).parent / "dbt"), "build", "--select", "tag:planner", "--profiles-dir",
               str(PROJECT), "--project-dir", str(PROJECT), "--quiet", "--vars", f"{{settlement_plan: '{plan}'}}"]
    done = subprocess.run(command, cwd=PROJECT, env=env, check=False)
    if done.returncode != 0:
        print(f"planner: ERROR: dbt build --select tag:planner failed (exit {done.returncode}); the output above "
              "says which model or test")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    csv_path = args.out / "planned_contacts.csv"
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        con.execute(f"copy (select * from {MART} order by municipality_code, calendar_month, service_key) "
                    f"to '{csv_path}' (header)")
        totals = con.execute(
            f"select service_key, round(sum(expected_contacts)), count(distinct municipality_code), "
            f"min(calendar_month), max(calendar_month), bool_or(is_beyond_observed_follow_up) "
            f"from {MART} group by service_key order by service_key").fetchall()
    print(f"planner: done in {time.monotonic() - started:.1f} s. Results:")
    print(f"  warehouse table  {MART} in {args.warehouse}")
    print(f"  CSV              {csv_path}")
    for service, total, municipalities, first, last, extrapolated in totals:
        note = " (includes months beyond the observed follow-up: flagged)" if extrapolated else ""
        print(f"  {service}: {total:,.0f} expected contacts in {municipalities} municipalities, "
              f"{first:%Y-%m} .. {last:%Y-%m}{note}")
    return 0
