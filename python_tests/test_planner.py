"""The settlement capacity planner (issue 14 item 4).

- The plan's door (planner/validate.py, `python -m planner`): a bad plan is refused with one line per
  problem naming the file, the row and the rule, and nothing is built.
- planned_contacts recomputed with pandas/scipy from the test build's core tables (dim_persons,
  fct_person_months) and the default plan seed, for a sample of municipalities that covers both mixes
  (municipal and national): expected contacts and the gamma prediction interval to 1e-9 relative.
- `python -m planner` on a copy of the test warehouse with a user's plan: only the planner's models run,
  every other table is unchanged, the CSV is written, and the figures are printed.
- The Great Expectations suite settlement_planner passes on the build and fails on a damaged frame.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from planner.validate import problems, project_rules
from python_checks.gx_runner import run_suites
from python_checks.planner import PlannerData, fetch_planner_data, settlement_planner

PROJECT = Path(__file__).resolve().parents[1]
WAREHOUSE = Path(os.environ.get("TEST_WAREHOUSE", PROJECT / "data" / "test" / "warehouse.duckdb"))
RTOL = 1e-9
COMBINED = {
    "somatic_any": ["somatic_day", "somatic_inpatient", "somatic_outpatient"],
    "mental_any": ["mental_adult_day", "mental_adult_inpatient", "mental_adult_outpatient",
                   "mental_child_day", "mental_child_inpatient", "mental_child_outpatient"],
}


def _vars() -> dict:
    return yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]


def _read(sql: str, warehouse: Path = WAREHOUSE) -> pd.DataFrame:
    if not warehouse.exists():
        pytest.fail(f"no built warehouse at {warehouse}: run `make test`, which builds one and sets TEST_WAREHOUSE")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


# ------------------------------------------------------------------------------------------ the door
def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(text)
    return path


def test_the_shipped_plan_passes_and_holds_12640_persons() -> None:
    plan = PROJECT / "seeds" / "settlement_plan_2025.csv"
    assert problems(plan, project_rules()) == []
    frame = pd.read_csv(plan, dtype={"municipality_code": str})
    assert frame["persons"].sum() == 12_640
    assert set(frame["settlement_month"].str[:4]) == {"2025"}


@pytest.mark.parametrize(("text", "message"), [
    ("municipality_code,settlement_month,persons\n9999,2025-03,10\n",
     "row 2: municipality_code: not a 2024 municipality code (seed municipalities_2024) (found '9999')"),
    ("municipality_code,settlement_month,persons\n301,2025-03,10\n",
     ("row 2: municipality_code: not a 2024 municipality code (seed municipalities_2024) (a leading zero lost?) "
     "(found '301')")),
    ("municipality_code,settlement_month,persons\n0301,2025-03,10\n0301,2025-04,-3\n",
     "row 3: persons: must not be negative (found '-3')"),
    ("municipality_code,settlement_month,persons\n0301,2025-03,2.5\n",
     "row 2: persons: must be a whole number >= 0 (found '2.5')"),
    ("municipality_code,settlement_month,persons\n0301,2031-01,10\n",
     ("row 2: settlement_month: outside the planning window 2025-01 .. 2026-12 (vars planning_window_start, "
     "planning_window_end) (found '2031-01')")),
    ("municipality_code,settlement_month,persons\n0301,03.2025,10\n",
     "row 2: settlement_month: must be a month as YYYY-MM (found '03.2025')"),
    ("municipality_code,persons\n0301,10\n",
     ("row 1: missing column 'settlement_month': a plan has municipality_code, settlement_month, persons and "
     "optionally group_key, sex, age_group")),
    ("municipality_code,settlement_month,persons,sex\n0301,2025-03,10,K\n",
     "row 2: sex: must be empty or a sex of seed sexes"),
])
def test_a_bad_plan_is_refused_naming_file_row_and_rule(tmp_path: Path, text: str, message: str) -> None:
    plan = _write(tmp_path, text)
    found = problems(plan, project_rules())
    assert any(line.startswith((f"{plan} {message}", f"{plan} {message.split(' (found')[0]}"))
               for line in found), found
    assert all(line.startswith(str(plan)) for line in found)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    plan = _write(tmp_path, "municipality_code,settlement_month,persons\n9999,2025-03,10\n0301,2031-01,-1\n")
    found = problems(plan, project_rules())
    assert len(found) == 3, found


def test_the_cli_refuses_before_anything_is_built(tmp_path: Path) -> None:
    plan = _write(tmp_path, "municipality_code,settlement_month,persons\n0301,2025-03,-5\n")
    missing = tmp_path / "no_warehouse.duckdb"
    done = subprocess.run([sys.executable, "-m", "planner", "--plan", str(plan), "--warehouse", str(missing),
                           "--out", str(tmp_path / "out")], cwd=PROJECT, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "the plan was refused (1 problem); nothing was built" in done.stdout
    assert f"{plan.resolve()} row 2: persons: must not be negative (found '-5')" in done.stdout
    assert not missing.exists() and not (tmp_path / "out").exists()


# ------------------------------------------------------------------ independent computation of the mart
def _rates(threshold: int) -> pd.DataFrame:
    services = _vars()["planning_services"]
    parts = {s: COMBINED.get(s, [s]) for s in services}
    needed = sorted({p for ps in parts.values() for p in ps})
    months = _read("select cast(group_key as varchar) as group_key, months_since_settlement, cast(sex as varchar) "
                   "as sex, cast(age_group as varchar) as age_group, person_months, "
                   + ", ".join(f"{p}_count" for p in needed)
                   + " from core.fct_person_months where months_since_settlement is not null")
    months = months[months["group_key"].isin(_vars()["planning_groups"])]
    long = pd.concat([months[["group_key", "months_since_settlement", "sex", "age_group", "person_months"]]
                      .assign(service_key=s, events=months[[f"{p}_count" for p in ps]].sum(axis=1))
                      for s, ps in parts.items()])
    last = long[long["person_months"] > 0].groupby("group_key")["months_since_settlement"].max()
    keys = {"stratum": ["group_key", "service_key", "months_since_settlement", "sex", "age_group"],
            "group_month_sex": ["group_key", "service_key", "months_since_settlement", "sex"],
            "group_month": ["group_key", "service_key", "months_since_settlement"],
            "group": ["group_key", "service_key"]}
    sums = {level: long.groupby(k)[["events", "person_months"]].sum() for level, k in keys.items()}
    ages = pd.read_csv(PROJECT / "seeds" / "age_groups.csv")["age_group"]
    spine = pd.MultiIndex.from_product(
        [last.index, list(parts), sorted(long["months_since_settlement"].unique()), sorted(long["sex"].unique()), ages],
        names=keys["stratum"]).to_frame(index=False)
    spine = spine[spine["months_since_settlement"] <= spine["group_key"].map(last)].copy()
    spine["events"], spine["person_months"] = np.nan, np.nan
    for level, k in keys.items():
        at = sums[level].reindex(pd.MultiIndex.from_frame(spine[k]))
        take = spine["events"].isna() & (at["events"].to_numpy() > threshold)
        spine.loc[take, "events"] = at["events"].to_numpy()[take]
        spine.loc[take, "person_months"] = at["person_months"].to_numpy()[take]
    spine["rate"] = spine["events"] / spine["person_months"]
    spine["variance"] = spine["events"] / spine["person_months"] ** 2
    spine["last_observed_month"] = spine["group_key"].map(last)
    return spine


def _cells(municipalities: list[str]) -> pd.DataFrame:
    plan = pd.read_csv(PROJECT / "seeds" / "settlement_plan_2025.csv", dtype={"municipality_code": str})
    plan = plan[plan["municipality_code"].isin(municipalities)]
    persons = _read("select settlement_municipality_code as municipality_code, group_key, sex, age_group "
                    "from core.dim_persons where is_recent_refugee")
    persons = persons[persons["group_key"].isin(_vars()["planning_groups"])]
    mix_keys = ["group_key", "sex", "age_group"]
    national = persons.groupby(mix_keys).size().rename("mix").reset_index()
    municipal = persons.dropna(subset=["municipality_code"]).groupby(["municipality_code", *mix_keys]).size()
    rows = []
    for code, frame in plan.groupby("municipality_code"):
        mix = (municipal.loc[code].rename("mix").reset_index() if code in municipal.index.get_level_values(0)
               else national)
        share = mix.assign(share=mix["mix"] / mix["mix"].sum())[[*mix_keys, "share"]]
        cells = frame.merge(share, how="cross")
        cells["persons_in_cell"] = cells["persons"] * cells["share"]
        rows.append(cells)
    return pd.concat(rows)


def _expected(municipalities: list[str]) -> pd.DataFrame:
    variables = _vars()
    horizon, alpha = int(variables["planning_horizon_months"]), float(variables["ci_alpha"])
    rates = _rates(int(variables["suppression_threshold"]))
    cells = _cells(municipalities)
    cells["settlement_month"] = pd.to_datetime(cells["settlement_month"] + "-01")
    rows = cells.merge(pd.DataFrame({"m": range(horizon)}), how="cross")
    rows["calendar_month"] = [d + pd.DateOffset(months=int(m)) for d, m in
                              zip(rows["settlement_month"], rows["m"], strict=True)]
    rows = rows.merge(rates, on=["group_key", "sex", "age_group"])
    rows = rows[np.minimum(rows["m"], rows["last_observed_month"]) == rows["months_since_settlement"]]
    shared = rows.groupby(["municipality_code", "calendar_month", "service_key", "group_key",
                           "months_since_settlement", "sex", "age_group"]).agg(
        n=("persons_in_cell", "sum"), rate=("rate", "first"), variance=("variance", "first"))
    shared["e"] = shared["n"] * shared["rate"]
    shared["v"] = shared["n"] ** 2 * shared["variance"]
    totals = shared.groupby(["municipality_code", "calendar_month", "service_key"])[["e", "v"]].sum()
    var = totals["e"] + totals["v"]
    totals["lower"] = np.where(totals["e"] > 0,
                               stats.gamma.ppf(alpha / 2, totals["e"] ** 2 / var, scale=var / totals["e"]), 0)
    totals["upper"] = np.where(totals["e"] > 0,
                               stats.gamma.ppf(1 - alpha / 2, totals["e"] ** 2 / var, scale=var / totals["e"]), 0)
    return totals


def test_planned_contacts_match_an_independent_computation() -> None:
    mart = _read("select * from marts.planned_contacts")
    persons = _read("select settlement_municipality_code as code, count(*) as n from core.dim_persons "
                    "where is_recent_refugee group by 1")
    settled = set(persons["code"].dropna())
    codes = sorted(mart["municipality_code"].unique())
    # The largest settlers, some with few settled persons, and any that settled nobody (national mix; the
    # unit test int_planned_cells_spreads_open_rows_over_the_mix covers that path by hand).
    by_size = persons.dropna().sort_values("n", ascending=False)["code"].tolist()
    sample = by_size[:10] + by_size[-5:] + [c for c in codes if c not in settled][:10]
    want = _expected(sample)
    mart["calendar_month"] = pd.to_datetime(mart["calendar_month"])
    got = mart[mart["municipality_code"].isin(sample)].set_index(["municipality_code", "calendar_month", "service_key"])
    assert set(got.index) == set(want.index)
    got = got.loc[want.index]
    for column, source in (("expected_contacts", "e"), ("prediction_interval_lower", "lower"),
                           ("prediction_interval_upper", "upper")):
        bad = ~np.isclose(got[column].to_numpy(float), want[source].to_numpy(float), rtol=RTOL, atol=1e-12)
        assert not bad.any(), (column, got[bad].head(), want[bad].head())
    # Months 21-23 after a settlement take month 20's rate and are flagged: December 2025 settlements reach
    # month 21 in September 2027.
    assert mart.loc[mart["calendar_month"] >= "2027-09-01", "is_beyond_observed_follow_up"].all()
    assert not mart.loc[mart["calendar_month"] < "2026-10-01", "is_beyond_observed_follow_up"].any()


# ------------------------------------------------------------------------- the CLI on a copied warehouse
def _table_fingerprints(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in ('marts', 'core')").fetchall()]
        return {n: con.execute(f"select count(*), sum(hash(*columns(*))) from {n}").fetchone() for n in names}


def test_the_cli_plans_a_users_plan_and_rebuilds_nothing_else(tmp_path: Path) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(WAREHOUSE, copy)
    before = _table_fingerprints(copy)
    plan = _write(tmp_path, "municipality_code,settlement_month,persons,group_key,sex,age_group\n"
                            "0301,2025-05,100,,,\n1103,2026-02,40,other_recent,,\n4601,2025-09,12,ukraine_recent,female,30-39\n")
    done = subprocess.run([sys.executable, "-m", "planner", "--plan", str(plan), "--warehouse", str(copy),
                           "--out", str(tmp_path / "out")], cwd=PROJECT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"CSV              {tmp_path / 'out' / 'planned_contacts.csv'}" in done.stdout
    csv = pd.read_csv(tmp_path / "out" / "planned_contacts.csv", dtype={"municipality_code": str})
    assert set(csv["municipality_code"]) == {"0301", "1103", "4601"}
    assert csv.groupby("municipality_code")["calendar_month"].nunique().eq(24).all()
    after = _table_fingerprints(copy)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {"marts.planned_contacts"}, changed


# ------------------------------------------------------------------------------------- the GX suite
@pytest.fixture(scope="module")
def planner_data() -> PlannerData:
    return fetch_planner_data(WAREHOUSE, int(_vars()["planning_horizon_months"]), 5)


def test_gx_suite_passes_on_the_build(tmp_path: Path, planner_data: PlannerData) -> None:
    results, _ = run_suites([settlement_planner(planner_data)], tmp_path / "docs")
    assert results[0].success, [(f.family, f.cell) for f in results[0].failures]


def test_gx_suite_fails_on_a_lost_plan_row_and_a_broken_interval(tmp_path: Path, planner_data: PlannerData) -> None:
    planned = planner_data.planned.copy()
    oslo = planned["municipality_code"] == "0301"
    planned.loc[oslo, "planned_population"] -= 1
    planned.loc[planned.index[0], "prediction_interval_upper"] = planned.loc[planned.index[0], "expected_contacts"] - 1
    damaged = PlannerData(planned, planner_data.plan, planner_data.horizon_months, planner_data.threshold)
    results, _ = run_suites([settlement_planner(damaged)], tmp_path / "docs")
    cells = {(f.family, f.cell) for f in results[0].failures}
    assert ("plan_persons_kept", "planned person-months 0301") in cells
    assert any(family == "interval_brackets" for family, _ in cells)
