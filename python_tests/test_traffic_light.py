"""The municipality traffic light (marts.municipality_traffic_light, issue 14) recomputed independently with
pandas and scipy from the person-month table, and its Great Expectations families failing on damaged frames.

The warehouse computes expected contacts in SQL and the CI with the gamma_quantile UDF; here the strata, the
national rates and expected counts are pandas group-bys and the exact Poisson CI is the chi-square form of
Garwood's interval (chi2.ppf(alpha / 2, 2 O) / 2, chi2.ppf(1 - alpha / 2, 2 O + 2) / 2), divided by E.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from python_checks import checks
from python_checks.checks import SuiteChecks
from python_checks.gx_runner import run_suites

WAREHOUSE = os.environ.get(
    "TEST_WAREHOUSE", str(Path(__file__).resolve().parents[1] / "data" / "test" / "warehouse.duckdb")
)
RTOL = 1e-9
SERVICES = {
    "gp_contact": ["gp_contact_count"],
    "out_of_hours_contact": ["out_of_hours_contact_count"],
    "somatic_any": ["somatic_day_count", "somatic_inpatient_count", "somatic_outpatient_count"],
}
STRATUM = ["group_key", "sex", "age_group", "months_since_settlement"]


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if not Path(WAREHOUSE).exists():
        pytest.fail(f"no built warehouse at {WAREHOUSE}: run `make test`, which builds one and sets TEST_WAREHOUSE")
    con = duckdb.connect(WAREHOUSE, read_only=True)
    try:
        counts = ", ".join(sorted({c for columns in SERVICES.values() for c in columns}))
        months = con.execute(f"""
            select person_id, group_key::varchar as group_key, sex::varchar as sex, age_group::varchar as age_group,
                   months_since_settlement, person_months, {counts}
            from core.fct_person_months where months_since_settlement is not null
        """).df()
        persons = con.execute("select person_id, settlement_municipality_code, is_recent_refugee "
                              "from core.dim_persons").df()
        municipalities = con.execute("select municipality_code, county_code from seeds.municipalities_2024").df()
        unsuppressed = con.execute("select * from aggregates.int_unsuppressed__municipality_traffic_light").df()
        mart = con.execute("select * from marts.municipality_traffic_light").df()
    finally:
        con.close()
    months = months.merge(persons[persons["is_recent_refugee"]], on="person_id", how="inner", validate="many_to_one")
    months["municipality_code"] = months["settlement_municipality_code"].where(
        months["settlement_municipality_code"].isin(municipalities["municipality_code"]))
    months = months.merge(municipalities, on="municipality_code", how="left")
    return months, municipalities, unsuppressed, mart


def _expected_frame(months: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for service_key, columns in SERVICES.items():
        frame = months.assign(events=months[columns].sum(axis=1).astype(float))
        national = frame.groupby(STRATUM)[["events", "person_months"]].sum()
        rate = (national["events"] / national["person_months"]).rename("national_rate")
        frame = frame.join(rate, on=STRATUM)
        frame["expected"] = frame["person_months"] * frame["national_rate"]
        frame["service_key"] = service_key
        rows.append(frame)
    long = pd.concat(rows, ignore_index=True)
    areas = []
    groups = long[["group_key", "service_key"]].drop_duplicates()
    # Every municipality of the seed, 0 where none of the group settled.
    spine = municipalities.merge(groups, how="cross")
    by_municipality = long.groupby(["municipality_code", "group_key", "service_key"])[["events", "expected"]].sum()
    spine = spine.join(by_municipality, on=["municipality_code", "group_key", "service_key"]).fillna(
        {"events": 0.0, "expected": 0.0})
    areas.append(spine.assign(area_level="municipality", area_code=spine["municipality_code"]))
    county = spine.groupby(["county_code", "group_key", "service_key"], as_index=False)[["events", "expected"]].sum()
    areas.append(county.assign(area_level="county", area_code=county["county_code"]))
    country = long.groupby(["group_key", "service_key"], as_index=False)[["events", "expected"]].sum()
    areas.append(country.assign(area_level="country", area_code="NO"))
    unknown = long[long["municipality_code"].isna()]
    if not unknown.empty:
        unknown = unknown.groupby(["group_key", "service_key"], as_index=False)[["events", "expected"]].sum()
        areas.append(unknown.assign(area_level="unknown", area_code=None))
    result = pd.concat(areas, ignore_index=True)[["area_level", "area_code", "group_key", "service_key", "events",
                                                   "expected"]]
    observed, expected = result["events"].to_numpy(), result["expected"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(observed == 0, 0.0, stats.chi2.ppf(0.025, 2 * observed) / 2) / expected
        upper = stats.chi2.ppf(0.975, 2 * observed + 2) / 2 / expected
        ratio = observed / expected
    result["ratio"], result["lower"], result["upper"] = ratio, lower, upper
    result.loc[expected == 0, ["ratio", "lower", "upper"]] = np.nan
    result["class_"] = np.select([result["lower"] > 1, result["upper"] < 1, result["lower"].notna()],
                                ["higher", "lower", "not different"], default=None)
    return result


def _close(got: object, expected: float) -> bool:
    if pd.isna(expected):
        return pd.isna(got)
    return not pd.isna(got) and abs(float(got) - expected) <= RTOL * abs(expected)  # type: ignore[arg-type]


def test_warehouse_traffic_light_matches_pandas_and_scipy() -> None:
    months, municipalities, unsuppressed, mart = _frames()
    ours = _expected_frame(months, municipalities)
    key = ["area_level", "area_code", "group_key", "service_key"]
    merged = ours.merge(unsuppressed, on=key, how="outer", indicator=True, validate="one_to_one")
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][key].head()
    assert len(merged) == len(unsuppressed) > 357 * 2 * 3
    failures = []
    for row in merged.itertuples(index=False):
        pairs = [(row.observed_contacts, row.events), (row.expected_contacts, row.expected),
                 (row.standardised_ratio, row.ratio), (row.standardised_ratio_ci_lower, row.lower),
                 (row.standardised_ratio_ci_upper, row.upper)]
        same_class = (pd.isna(row.comparison_class) and pd.isna(row.class_)) or row.comparison_class == row.class_
        if not all(_close(got, float(want)) for got, want in pairs) or not same_class:
            failures.append(row)
    assert not failures, failures[:3]
    # Indirect standardisation: the expected contacts add up to the national observed ones.
    country = merged[merged["area_level"] == "country"]
    assert np.allclose(country["expected"], country["events"], rtol=RTOL)
    # The mart shows the unsuppressed numbers where it shows any, and only municipalities and counties.
    shown = mart[~mart["is_suppressed"]].merge(unsuppressed, on=key, suffixes=("", "_unsuppressed"))
    assert len(shown) == (~mart["is_suppressed"]).sum() > 0
    for column in ["observed_contacts", "expected_contacts", "standardised_ratio", "comparison_class"]:
        assert (shown[column] == shown[f"{column}_unsuppressed"]).all(), column
    assert set(mart["area_level"]) == {"municipality", "county"}
    hidden = mart[mart["is_suppressed"]]
    assert hidden[["observed_contacts", "expected_contacts", "standardised_ratio",
                   "comparison_class"]].isna().all().all()


def _toy_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    unsuppressed = pd.DataFrame({
        "area_level": ["municipality", "municipality", "county", "country"],
        "area_code": ["1101", "1103", "11", "NO"],
        "group_key": ["ukraine_recent"] * 4, "service_key": ["gp_contact"] * 4,
        "observed_contacts": [15, 5, 20, 20], "expected_contacts": [7.5, 12.5, 20.0, 20.0]})
    mart = pd.DataFrame({
        "area_level": ["municipality", "municipality", "county"], "area_code": ["1101", "1103", "11"],
        "group_key": ["ukraine_recent"] * 3, "service_key": ["gp_contact"] * 3,
        "standardised_ratio": [2.0, 0.4, 1.0], "standardised_ratio_ci_lower": [1.12, 0.13, 0.61],
        "standardised_ratio_ci_upper": [3.30, 0.93, 1.54], "comparison_class": ["higher", "lower", "not different"],
        "is_suppressed": [False, False, False]})
    return unsuppressed, mart


def _families_failing(unsuppressed: pd.DataFrame, mart: pd.DataFrame, docs: Path) -> set[str]:
    suite = SuiteChecks("conservation", families=dict(checks.TRAFFIC_LIGHT_FAMILIES))
    for check in checks.traffic_light_checks(unsuppressed, mart):
        suite.add(check)
    results, _ = run_suites([suite], docs)
    return {failure.family for failure in results[0].failures}


def test_traffic_light_checks_pass_on_a_consistent_frame(tmp_path: Path) -> None:
    assert _families_failing(*_toy_frames(), tmp_path / "docs") == set()


def test_traffic_light_checks_fail_on_damaged_frames(tmp_path: Path) -> None:
    unsuppressed, mart = _toy_frames()
    # Expected contacts that no longer add up to the national observed ones (a stratum lost).
    damaged = unsuppressed.copy()
    damaged.loc[1, "expected_contacts"] = 12.4
    assert _families_failing(damaged, mart, tmp_path / "a") == {"traffic_light_expected_total"}
    # A class that contradicts its CI (the CI includes 1, the class says higher).
    damaged_mart = mart.copy()
    damaged_mart.loc[2, "comparison_class"] = "higher"
    assert _families_failing(unsuppressed, damaged_mart, tmp_path / "b") == {"traffic_light_class"}
    # A hidden row's class is not checked.
    damaged_mart.loc[2, "is_suppressed"] = True
    assert _families_failing(unsuppressed, damaged_mart, tmp_path / "c") == set()
