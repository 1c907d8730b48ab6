"""The Kaplan-Meier mart (time_to_first_contact_survival) against an independent computation: lifelines'
KaplanMeierFitter on per-person durations taken from the core tables (not from the model's own input), to
1e-9 relative in survival, CI bounds (log(-log) Greenwood, lifelines' default) and the median; its
disclosure rules on the built warehouse; and the Great Expectations suite `survival_curves` passing on the
published curves and failing on a damaged frame.

Needs a built test warehouse: TEST_WAREHOUSE (set by `make test`; default data/test/warehouse.duckdb).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from lifelines import KaplanMeierFitter

from python_checks import checks
from python_checks.fetch import MartView, WarehouseData
from python_checks.gx_runner import run_suites

REPO = Path(__file__).resolve().parents[1]
RELATIVE = 1e-9
THRESHOLD = 5
CURVE = ["first_contact_service", "group_key", "sex", "age_group"]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    warehouse = Path(os.environ.get("TEST_WAREHOUSE", REPO / "data" / "test" / "warehouse.duckdb"))
    if not warehouse.exists():
        pytest.fail(f"no built test warehouse ({warehouse} missing): run `make test`")
    project_vars = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    families = {"gp": project_vars["first_gp_contact_service_families"],
                "any": project_vars["time_to_first_contact_service_families"]}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        persons = con.execute("""
            with last_months as (
                select person_id, max(months_since_settlement) as last_month
                from core.fct_person_months
                where months_since_settlement is not null
                group by person_id
            ),
            firsts as (
                select
                    contacts.person_id,
                    min(contacts.months_since_settlement)
                        filter (where list_contains(?, services.service_family)) as first_gp,
                    min(contacts.months_since_settlement)
                        filter (where list_contains(?, services.service_family)) as first_any
                from core.fct_contacts as contacts
                inner join seeds.services as services on contacts.service_key = services.service_key
                where contacts.months_since_settlement is not null
                group by contacts.person_id
            )
            select persons.group_key, persons.sex, persons.age_group, last_months.last_month,
                firsts.first_gp, firsts.first_any
            from core.dim_persons as persons
            inner join last_months on persons.person_id = last_months.person_id
            left join firsts on persons.person_id = firsts.person_id
            where persons.is_recent_refugee
        """, [families["gp"], families["any"]]).df()
        unsuppressed = con.execute(
            "select * from aggregates.int_unsuppressed__time_to_first_contact_survival").df()
        mart = con.execute("select * from marts.time_to_first_contact_survival").df()
    return {"persons": persons, "unsuppressed": unsuppressed, "mart": mart}


def _fits(persons: pd.DataFrame) -> list[tuple[dict[str, str], KaplanMeierFitter, int]]:
    fits = []
    for service, column in (("gp", "first_gp"), ("any", "first_any")):
        durations = persons[column].fillna(persons["last_month"]).astype("int64")
        frame = persons.assign(duration=durations, event=persons[column].notna())
        strata = [(key, part) for key, part in frame.groupby(["group_key", "sex", "age_group"])]
        totals = [((group, "all", "all"), part) for group, part in frame.groupby("group_key")]
        for (group, sex, age_group), part in totals + strata:
            last = int(part["duration"].max())
            fitter = KaplanMeierFitter().fit(part["duration"], part["event"], timeline=np.arange(0, last + 1))
            key = {"first_contact_service": service, "group_key": group, "sex": sex, "age_group": age_group}
            fits.append((key, fitter, last))
    return fits


def _close(actual: pd.Series, expected: np.ndarray) -> bool:
    return bool(np.allclose(actual.to_numpy(dtype="float64"), expected, rtol=RELATIVE, atol=0.0))


def test_every_followed_recent_refugee_enters_in_the_settlement_month(tables: dict[str, pd.DataFrame]) -> None:
    # the mart's at-risk counts assume no late entry; fct_person_months starts each recent refugee at 0
    persons = tables["persons"]
    assert len(persons) > 0
    assert ((persons["first_gp"].isna()) | (persons["first_gp"] <= persons["last_month"])).all()
    assert ((persons["first_any"].isna()) | (persons["first_any"] <= persons["last_month"])).all()


def test_kaplan_meier_matches_lifelines(tables: dict[str, pd.DataFrame]) -> None:
    unsuppressed = tables["unsuppressed"].set_index(CURVE).sort_index()
    fits = _fits(tables["persons"])
    assert len(fits) == unsuppressed.index.unique().size
    for key, fitter, last in fits:
        rows = unsuppressed.loc[tuple(key.values())].sort_values("months_since_settlement")
        label = " ".join(key.values())
        assert rows["months_since_settlement"].tolist() == list(range(last + 1)), label
        table = fitter.event_table.reindex(range(last + 1))
        observed_at = table["observed"].dropna().astype("int64")
        assert (rows.set_index("months_since_settlement")["first_contacts"].loc[observed_at.index]
                == observed_at).all(), label
        at_risk = table["at_risk"].dropna().astype("int64")
        assert (rows.set_index("months_since_settlement")["persons_at_risk"].loc[at_risk.index]
                == at_risk).all(), label
        survival = fitter.survival_function_.iloc[:, 0].to_numpy()
        lower = fitter.confidence_interval_.iloc[:, 0].to_numpy()
        upper = fitter.confidence_interval_.iloc[:, 1].to_numpy()
        assert _close(rows["survival"], survival), label
        assert _close(rows["survival_ci_lower"], lower), label
        assert _close(rows["survival_ci_upper"], upper), label
        median = fitter.median_survival_time_
        published = rows["median_months_to_first_contact"].iloc[0]
        if math.isinf(median):
            assert pd.isna(published), label
        elif published != median:
            # only an exact 0.5 that the last bit of a double puts on either side may differ
            assert abs(survival[int(published)] - 0.5) < 1e-12, label


def test_mart_publishes_the_unsuppressed_numbers_or_nothing(tables: dict[str, pd.DataFrame]) -> None:
    keys = [*CURVE, "months_since_settlement"]
    joined = tables["mart"].merge(tables["unsuppressed"], on=keys, suffixes=("", "_all"), validate="one_to_one")
    assert len(joined) == len(tables["unsuppressed"])
    shown = joined[~joined["is_suppressed"]]
    hidden = joined[joined["is_suppressed"]]
    assert len(shown) > 0 and len(hidden) > 0
    for column in ("persons_at_risk", "survival", "survival_ci_lower", "survival_ci_upper"):
        assert (shown[column].astype("float64") == shown[f"{column}_all"].astype("float64")).all(), column
        assert hidden[column].isna().all(), column


def test_mart_disclosure_rules(tables: dict[str, pd.DataFrame]) -> None:
    keys = [*CURVE, "months_since_settlement"]
    frame = tables["mart"][[*keys, "is_suppressed"]].merge(
        tables["unsuppressed"][[*keys, "is_group_total", "persons_at_risk", "first_contacts", "persons_censored"]],
        on=keys)
    shown = frame[~frame["is_suppressed"]]
    # primary
    assert (shown["persons_at_risk"] > THRESHOLD).all()
    for column in ("first_contacts", "persons_censored"):
        assert (~shown[column].between(1, THRESHOLD)).all(), column
    for _, curve in frame.sort_values(keys).groupby(CURVE):
        hidden = curve["is_suppressed"].to_numpy()
        # a curve is published as a prefix: nothing after its first hidden month
        if hidden.any():
            first = int(np.argmax(hidden))
            assert hidden[first:].all()
            tail = int(curve["first_contacts"].to_numpy()[first:].sum())
            # a hidden tail after published months rests on 0 or more than 5 first contacts
            assert first == 0 or tail == 0 or tail > THRESHOLD
    # across strata: a published group month has no hidden stratum, or two or more with > 5 at risk together
    strata = frame[~frame["is_group_total"]]
    groups = frame[frame["is_group_total"] & ~frame["is_suppressed"]]
    for row in groups.itertuples(index=False):
        part = strata[(strata["first_contact_service"] == row.first_contact_service)
                      & (strata["group_key"] == row.group_key)
                      & (strata["months_since_settlement"] == row.months_since_settlement)]
        hidden = part[part["is_suppressed"]]
        assert len(hidden) == 0 or (len(hidden) >= 2 and hidden["persons_at_risk"].sum() > THRESHOLD)


def _data(frame: pd.DataFrame) -> WarehouseData:
    empty = pd.DataFrame()
    view = MartView(checks.SURVIVAL_MART, [], True, frame)
    return WarehouseData(empty, empty, empty, empty, empty, empty, empty, True, [view])


def test_survival_suite_passes_on_the_published_curves(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    published = tables["mart"][~tables["mart"]["is_suppressed"]]
    results, _ = run_suites([checks.survival_curves(_data(published))], tmp_path / "docs")
    assert results[0].success, [f.cell for f in results[0].failures]


def test_survival_suite_fails_on_a_damaged_frame(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    published = tables["mart"][~tables["mart"]["is_suppressed"]].sort_values(
        [*CURVE, "months_since_settlement"]).reset_index(drop=True)
    curve = published[(published["first_contact_service"] == "gp") & (published["sex"] == "all")
                      & (published["group_key"] == "ukraine_recent")]
    assert len(curve) >= 4
    damaged = published.copy()
    rising, above_one, outside_ci = curve.index[3], curve.index[0], curve.index[2]
    damaged.loc[rising, "survival"] = damaged.loc[curve.index[2], "survival"] + 0.01
    damaged.loc[above_one, ["survival", "survival_ci_upper"]] = 1.2
    damaged.loc[outside_ci, "survival_ci_lower"] = damaged.loc[outside_ci, "survival"] + 0.01
    results, _ = run_suites([checks.survival_curves(_data(damaged))], tmp_path / "docs")
    assert not results[0].success
    cells = {f.cell for f in results[0].failures}
    assert "survival step gp ukraine_recent all all month 3" in cells
    assert "survival gp ukraine_recent all all month 0" in cells
    assert "ci_upper gp ukraine_recent all all month 0" in cells
    assert "survival - ci_lower gp ukraine_recent all all month 2" in cells


def test_survival_suite_fails_without_the_mart(tmp_path: Path) -> None:
    empty = pd.DataFrame()
    data = WarehouseData(empty, empty, empty, empty, empty, empty, empty, True, [])
    results, _ = run_suites([checks.survival_curves(data)], tmp_path / "docs")
    assert not results[0].success
