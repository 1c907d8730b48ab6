"""The warehouse's gamma_quantile UDF against scipy, and the Fay & Feuer method against its published example.

`ageadjust_direct` below is an independent numpy/scipy transcription of R's epitools::ageadjust.direct; the
dbt unit tests on int_unsuppressed__annual_rates carry expected values computed with it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy import stats

from warehouse_functions.udfs import register_functions

# Fleiss (1981, p. 249), as in the epitools::ageadjust.direct examples: Down syndrome births by
# maternal age (rows: <20, 20-24, 25-29, 30-34, 35-39, 40+) and birth order (columns 1, 2, 3, 4, 5+).
POPULATION = np.array(
    [
        [230061, 72202, 15050, 2293, 327],
        [329449, 326701, 175702, 68800, 30666],
        [114920, 208667, 207081, 132424, 123419],
        [39487, 83228, 117300, 98301, 149919],
        [14208, 28466, 45026, 46075, 104088],
        [3052, 5375, 8660, 9834, 34392],
    ],
    dtype=float,
)
COUNT = np.array(
    [
        [107, 25, 3, 1, 0],
        [141, 150, 71, 26, 8],
        [60, 110, 114, 64, 63],
        [40, 84, 103, 89, 112],
        [39, 82, 108, 137, 262],
        [25, 39, 75, 96, 295],
    ],
    dtype=float,
)


def ageadjust_direct(
    count: np.ndarray, pop: np.ndarray, stdpop: np.ndarray, conf_level: float = 0.95
) -> tuple[float, float, float, float]:
    """epitools::ageadjust.direct: crude rate, adjusted rate, lower and upper gamma bounds."""
    alpha = 1 - conf_level
    rate = count / pop
    stdwt = stdpop / stdpop.sum()
    dsr = np.sum(stdwt * rate)
    dsr_var = np.sum(stdwt**2 * (count / pop**2))
    wm = np.max(stdwt / pop)
    lci = stats.gamma.ppf(alpha / 2, dsr**2 / dsr_var, scale=dsr_var / dsr)
    uci = stats.gamma.ppf(
        1 - alpha / 2,
        (dsr + wm) ** 2 / (dsr_var + wm**2),
        scale=(dsr_var + wm**2) / (dsr + wm),
    )
    return count.sum() / pop.sum(), dsr, lci, uci


@pytest.fixture()
def conn() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    register_functions(connection)
    yield connection
    connection.close()


def test_registration_is_idempotent(conn: duckdb.DuckDBPyConnection) -> None:
    register_functions(conn)
    assert conn.execute("select gamma_quantile(0.5, 1, 1)").fetchone()[
        0
    ] == pytest.approx(np.log(2))


def test_gamma_quantile_matches_scipy_on_a_grid(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    rng = np.random.default_rng(2025)
    p = rng.uniform(0.0001, 0.9999, 2000)
    shape = np.concatenate([rng.uniform(0.01, 5, 1000), rng.uniform(5, 50000, 1000)])
    scale = rng.uniform(1e-6, 100, 2000)
    conn.register("grid", {"p": p, "shape": shape, "scale": scale})
    got = np.array(
        [
            row[0]
            for row in conn.execute(
                "select gamma_quantile(p, shape, scale) from grid"
            ).fetchall()
        ]
    )
    expected = stats.gamma.ppf(p, shape, scale=scale)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)


def test_gamma_quantile_edge_cases(conn: duckdb.DuckDBPyConnection) -> None:
    row = conn.execute(
        """
        select
            gamma_quantile(0.025, 0, 1),     -- shape 0: point mass at 0
            gamma_quantile(0.975, -1, 1),    -- shape < 0: same choice
            gamma_quantile(null, 1, 1),
            gamma_quantile(0.5, null, 1),
            gamma_quantile(0.5, 1, null),
            gamma_quantile(1.5, 1, 1),       -- p outside [0, 1]
            gamma_quantile(0.5, 1, 0),       -- scale <= 0
            gamma_quantile(0, 2, 1),
            gamma_quantile(1, 2, 1)
        """
    ).fetchone()
    assert row == (0.0, 0.0, None, None, None, None, None, 0.0, float("inf"))


def test_gamma_quantile_is_usable_from_cursors(conn: duckdb.DuckDBPyConnection) -> None:
    # dbt-duckdb runs models on cursors of the connection that the plugin configured.
    cursor = conn.cursor()
    assert cursor.execute("select gamma_quantile(0.5, 1, 2)").fetchone()[
        0
    ] == pytest.approx(2 * np.log(2))


@pytest.mark.parametrize(
    ("events", "lower", "upper"),
    [
        (0, 0.0, 3.6888794541),
        (3, 0.6186721229, 8.7672730697),
        (10, 4.7953886961, 18.3903560420),
    ],
)
def test_garwood_interval(
    conn: duckdb.DuckDBPyConnection, events: int, lower: float, upper: float
) -> None:
    got_lower, got_upper = conn.execute(
        "select gamma_quantile(0.025, ?, 1), gamma_quantile(0.975, ? + 1, 1)",
        [float(events), float(events)],
    ).fetchone()
    assert got_lower == pytest.approx(lower, abs=1e-10)
    assert got_upper == pytest.approx(upper, abs=1e-10)
    # Garwood via the chi-square form: chi2(alpha/2, 2d)/2 and chi2(1 - alpha/2, 2d + 2)/2.
    if events > 0:
        assert got_lower == pytest.approx(
            stats.chi2.ppf(0.025, 2 * events) / 2, rel=1e-12
        )
    assert got_upper == pytest.approx(
        stats.chi2.ppf(0.975, 2 * events + 2) / 2, rel=1e-12
    )


def test_fay_feuer_down_syndrome_example() -> None:
    # Published (epitools example, Fay & Feuer 1997 Table 1): birth order 5+, standard = mean
    # population over birth orders: 75.529 per 100,000 (67.702 to 188.300).
    standard = POPULATION.mean(axis=1)
    crude, dsr, lci, uci = ageadjust_direct(COUNT[:, 4], POPULATION[:, 4], standard)
    assert round(dsr * 1e5, 3) == 75.529
    assert round(lci * 1e5, 3) == 67.702
    assert round(uci * 1e5, 3) == 188.300
    assert round(crude * 1e5, 3) == 167.114


def test_fay_feuer_in_duckdb_matches_numpy(conn: duckdb.DuckDBPyConnection) -> None:
    """The same computation in SQL through the UDF, per person-month x 12 as the warehouse does it."""
    standard = POPULATION.mean(axis=1)
    conn.register(
        "strata",
        {
            "events": COUNT[:, 4],
            "person_months": POPULATION[:, 4] / 1e5,
            "reference_person_months": standard,
        },
    )
    dsr, lower, upper = conn.execute(
        """
        with weighted as (
            select *, reference_person_months / sum(reference_person_months) over () as w
            from strata
        ),
        sums as (
            select
                sum(w * events / person_months) as dsr,
                sum(w * w * events / (person_months * person_months)) as var,
                max(w / person_months) as wm
            from weighted
        )
        select
            dsr * 12,
            gamma_quantile(0.025, dsr * dsr / var, var / dsr) * 12,
            gamma_quantile(0.975, (dsr + wm) ** 2 / (var + wm * wm), (var + wm * wm) / (dsr + wm)) * 12
        from sums
        """
    ).fetchone()
    assert dsr == pytest.approx(906.3480893431, abs=1e-9)
    assert lower == pytest.approx(812.4254450118, abs=1e-9)
    assert upper == pytest.approx(2259.6020727333, abs=1e-9)
    assert dsr / 12 == pytest.approx(75.529, abs=5e-4)
    assert lower / 12 == pytest.approx(67.702, abs=5e-4)
    assert upper / 12 == pytest.approx(188.300, abs=5e-4)


def test_standardising_to_itself_gives_crude_rate_and_garwood_interval() -> None:
    events = np.array([12.0, 30.0, 7.0, 0.0])
    person_months = np.array([150.5, 300.25, 80.0, 20.0])
    crude, dsr, lci, uci = ageadjust_direct(events, person_months, person_months)
    total_events, total_person_months = events.sum(), person_months.sum()
    assert dsr == pytest.approx(crude, rel=1e-14)
    assert lci == pytest.approx(
        stats.gamma.ppf(0.025, total_events) / total_person_months, rel=1e-12
    )
    assert uci == pytest.approx(
        stats.gamma.ppf(0.975, total_events + 1) / total_person_months, rel=1e-12
    )


# --- The built warehouse against this independent implementation ------------------------------------
# Every rate and CI the warehouse stores, against numpy/scipy to 1e-9 relative, on the warehouse `make test`
# builds (TEST_WAREHOUSE; default data/test/warehouse.duckdb). A missing warehouse fails, never skips.
# Open read-only and briefly: one process at a time may hold a DuckDB file.

WAREHOUSE = os.environ.get(
    "TEST_WAREHOUSE", str(Path(__file__).resolve().parents[1] / "data" / "test" / "warehouse.duckdb")
)


def needs_warehouse(test):
    def wrapper(*args, **kwargs):
        if not Path(WAREHOUSE).exists():
            pytest.fail(f"no built warehouse at {WAREHOUSE}: run `make test`, which builds one and sets TEST_WAREHOUSE")
        return test(*args, **kwargs)

    wrapper.__name__ = test.__name__
    return wrapper
RTOL = 1e-9


def _read(sql: str) -> list[dict]:
    connection = duckdb.connect(WAREHOUSE, read_only=True)
    try:
        cursor = connection.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()


def garwood_annual(events: float, person_months: float, alpha: float = 0.05) -> tuple[float, float, float]:
    """Rate per person-year with Garwood's exact interval via the chi-square form."""
    lower = 0.0 if events == 0 else stats.chi2.ppf(alpha / 2, 2 * events) / 2
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return events / person_months * 12, lower / person_months * 12, upper / person_months * 12


def _close(got: float | None, expected: float | None) -> bool:
    if got is None or expected is None:
        return got is None and expected is None
    return abs(got - expected) <= RTOL * abs(expected) or got == expected


@needs_warehouse
def test_warehouse_annual_rates_match_numpy() -> None:
    strata = _read("select * from aggregates.int_annual_rate_strata")
    annual_rates = _read("select * from aggregates.int_unsuppressed__annual_rates")
    rates = {(r["group_key"], r["service_key"]): r for r in annual_rates}
    reference = {
        (s["service_key"], s["sex"], s["age_group"]): s["person_months"]
        for s in strata
        if s["group_key"] == "general_population"
    }
    failures = []
    for (group_key, service_key), row in rates.items():
        cells = [s for s in strata if s["group_key"] == group_key and s["service_key"] == service_key]
        d = np.array([s["events"] for s in cells], dtype=float)
        n = np.array([s["person_months"] for s in cells], dtype=float)
        ref = np.array([reference.get((service_key, s["sex"], s["age_group"]), 0.0) for s in cells])
        crude, crude_lower, crude_upper = garwood_annual(d.sum(), n.sum())
        keep = n > 0
        # The warehouse keeps the whole reference population's weights when a stratum has no person-time
        # (not renormalised); with every stratum present this is epitools::ageadjust.direct exactly.
        w = ref / ref.sum()
        dsr_w = np.sum(w[keep] * d[keep] / n[keep])
        var_w = np.sum(w[keep] ** 2 * d[keep] / n[keep] ** 2)
        wm = np.max(w[keep] / n[keep])
        lower_w = 0.0 if dsr_w == 0 else stats.gamma.ppf(0.025, dsr_w**2 / var_w, scale=var_w / dsr_w)
        upper_w = stats.gamma.ppf(
            0.975, (dsr_w + wm) ** 2 / (var_w + wm**2), scale=(var_w + wm**2) / (dsr_w + wm)
        )
        if keep.all() and dsr_w > 0:
            _, dsr, lower, upper = ageadjust_direct(d, n, ref)
            assert (dsr_w, lower_w, upper_w) == pytest.approx((dsr, lower, upper), rel=1e-12)
        expected = {
            "crude_rate_annual": crude,
            "crude_rate_ci_lower_annual": crude_lower,
            "crude_rate_ci_upper_annual": crude_upper,
            "dsr_annual": dsr_w * 12,
            "dsr_ci_lower_annual": lower_w * 12,
            "dsr_ci_upper_annual": upper_w * 12,
        }
        for column, value in expected.items():
            if not _close(row[column], float(value)):
                failures.append((group_key, service_key, column, row[column], float(value)))
    assert not failures, failures[:10]
    assert len(rates) == 4 * 20


@needs_warehouse
def test_warehouse_age_sex_and_municipality_rates_match_numpy() -> None:
    failures = []
    for table, events_column in [
        ("aggregates.int_unsuppressed__age_sex_rates", "events"),
        ("aggregates.int_unsuppressed__municipality_rates", "contacts"),
        ("aggregates.int_unsuppressed__refugee_health_service_comparison", "contacts"),
    ]:
        for row in _read(f"select * from {table}"):
            if row["person_months"] == 0:
                assert row["rate_annual"] is None
                continue
            expected = garwood_annual(float(row[events_column]), row["person_months"])
            got = (row["rate_annual"], row["rate_ci_lower_annual"], row["rate_ci_upper_annual"])
            for g, e in zip(got, expected, strict=True):
                if not _close(g, float(e)):
                    failures.append((table, row, g, float(e)))
    assert not failures, failures[:5]
