"""`make bi-test`: the Superset dashboard shows the BI export's numbers, and renders in a real browser.

Starts Superset with a fresh metadata database (bi/superset/serve.py, its own port and state folder so a
running `make bi` is left alone), then
  1. logs in through the REST API, lists the dashboard's charts and asks /api/v1/chart/<id>/data/ for each
     chart's data (the chart's saved query), and compares every row and value with the same numbers read
     from the BI export directly with duckdb (read-only, opened briefly);
  2. logs in through the UI form in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
     opens the dashboard, waits until every chart has rendered, fails on a chart error or a request to any
     address but this Superset, and saves a screenshot (data/bi/superset_dashboard.png).
Superset is stopped at the end, also when a test fails.

Run with the Superset venv's python: .venv-superset/bin/python -m pytest bi/superset/test_dashboard.py
Environment: BI_EXPORT (data/bi/marts.duckdb), BI_TEST_PORT (8089), BI_TEST_STATE_DIR (data/superset-test),
BI_SCREENSHOT (data/bi/superset_dashboard.png), CHROMIUM (/usr/bin/chromium), SUPERSET_ADMIN_USER/PASSWORD.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serve

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EXPORT = Path(os.environ.get("BI_EXPORT", REPO / "data/bi/marts.duckdb")).resolve()
PORT = int(os.environ.get("BI_TEST_PORT", "8089"))
STATE_DIR = Path(os.environ.get("BI_TEST_STATE_DIR", REPO / "data/superset-test")).resolve()
SCREENSHOT = Path(os.environ.get("BI_SCREENSHOT", REPO / "data/bi/superset_dashboard.png")).resolve()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DASHBOARD_SLUG = "refugee-health-service-use"


def _figure3(service_key: str) -> list[str]:
    return [
        f"""select months_since_settlement, group_label_en, pct_with_contact as "% with contact"
            from monthly_contact_share where service_key = '{service_key}'
            order by months_since_settlement, group_label_en""",
        f"""select months_since_settlement,
                   any_value(reference_mean_monthly_pct) as "Reference: general population"
            from monthly_contact_share where service_key = '{service_key}'
            group by months_since_settlement order by months_since_settlement""",
    ]


# What each chart of the dashboard must show, as queries on the export (one per query of the chart), written
# from the report's tables and figures, not from the chart definitions. Every chart on the dashboard needs an
# entry here and every entry a chart on the dashboard.
EXPECTED: dict[str, list[str]] = {
    "Table 3 - annual rates with 95 % CI": [
        """select service_label_en, group_label_en, rate_annual, rate_ci_lower_annual, rate_ci_upper_annual,
                  dsr_annual, dsr_ci_lower_annual, dsr_ci_upper_annual, is_suppressed
           from annual_rates order by sort_order, group_sort_order"""
    ],
    "Table 3 - adjusted annual rate by service and group": [
        """select service_label_en, group_label_en, rate_annual
           from annual_rates order by service_label_en, group_label_en"""
    ],
    "Figure 3 - GP contact, share with contact by month since settlement": _figure3("gp_contact"),
    "Figure 3 - out-of-hours contact, share with contact by month since settlement": _figure3(
        "out_of_hours_contact"
    ),
    "Figure 3 - somatic specialist care, share with contact by month since settlement": _figure3("somatic_any"),
    "Figure 3 - mental health specialist care, share with contact by month since settlement": _figure3(
        "mental_any"
    ),
    "Tables V2/V3 - annual rates by municipality": [
        """select service_label_en, group_label_en, municipality_code, municipality_name, county_name,
                  has_refugee_health_service, persons, contacts, rate_annual, rate_ci_lower_annual,
                  rate_ci_upper_annual, is_suppressed
           from municipality_rates order by service_key, group_sort_order, municipality_code"""
    ],
}


def read_export(sql: str) -> tuple[list[str], list[tuple]]:
    """Run one query on the export; the file is open only for the query."""
    with duckdb.connect(str(EXPORT), read_only=True) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return columns, cursor.fetchall()


def same_value(shown, expected) -> bool:
    if expected is None or shown is None:
        return expected is None and shown is None
    if isinstance(expected, bool) or isinstance(shown, bool):
        return bool(shown) == bool(expected) and type(shown) is type(expected)
    if isinstance(expected, (int, float)):
        return isinstance(shown, (int, float)) and math.isclose(shown, expected, rel_tol=1e-9, abs_tol=1e-12)
    return str(shown) == str(expected)


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def superset():
    assert EXPORT.exists(), f"no BI export at {EXPORT}: run `make publish` first"
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    try:
        url = serve.start(STATE_DIR, EXPORT, PORT, timeout=240)
        yield url
    finally:
        serve.stop(STATE_DIR, quiet=True)


@pytest.fixture(scope="module")
def api(superset):
    user, password = serve.admin_login()
    session = requests.Session()
    response = session.post(
        f"{superset}/api/v1/security/login",
        json={"username": user, "password": password, "provider": "db", "refresh": True},
        timeout=30,
    )
    assert response.status_code == 200, f"REST login failed: {response.status_code} {response.text[:300]}"
    session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    csrf = session.get(f"{superset}/api/v1/security/csrf_token/", timeout=30)
    assert csrf.status_code == 200, f"no CSRF token: {csrf.status_code} {csrf.text[:300]}"
    session.headers.update({"X-CSRFToken": csrf.json()["result"], "Referer": superset})
    session.base_url = superset
    return session


@pytest.fixture(scope="module")
def dashboard_charts(api):
    response = api.get(f"{api.base_url}/api/v1/dashboard/{DASHBOARD_SLUG}/charts", timeout=30)
    assert response.status_code == 200, f"dashboard {DASHBOARD_SLUG}: {response.status_code} {response.text[:300]}"
    return {chart["slice_name"]: chart["id"] for chart in response.json()["result"]}


# ----------------------------------------------------------------------------------------------- tests


def test_dashboard_has_the_report_charts(dashboard_charts):
    assert sorted(dashboard_charts) == sorted(EXPECTED), (
        f"charts on the dashboard without an expectation: {sorted(set(dashboard_charts) - set(EXPECTED))}; "
        f"expected charts missing from the dashboard: {sorted(set(EXPECTED) - set(dashboard_charts))}"
    )


@pytest.mark.parametrize("chart_name", sorted(EXPECTED))
def test_chart_data_equals_export(api, dashboard_charts, chart_name):
    assert chart_name in dashboard_charts, f"chart {chart_name!r} is not on the dashboard"
    chart_id = dashboard_charts[chart_name]
    response = api.get(f"{api.base_url}/api/v1/chart/{chart_id}/data/", timeout=120)
    assert response.status_code == 200, (
        f"chart {chart_name!r} (id {chart_id}): data API {response.status_code} {response.text[:500]}"
    )
    results = response.json()["result"]
    assert len(results) == len(EXPECTED[chart_name]), (
        f"chart {chart_name!r}: {len(results)} queries, expected {len(EXPECTED[chart_name])}"
    )
    problems = []
    values_compared = 0
    for q, (result, sql) in enumerate(zip(results, EXPECTED[chart_name], strict=True)):
        columns, rows = read_export(sql)
        assert rows, f"chart {chart_name!r} query {q}: the export has no rows for it (nothing to compare)"
        assert result["colnames"] == columns, (
            f"chart {chart_name!r} query {q}: columns {result['colnames']}, export {columns}"
        )
        shown = result["data"]
        if len(shown) != len(rows):
            problems.append(f"chart {chart_name!r} query {q}: {len(shown)} rows, export has {len(rows)}")
        for i, (shown_row, row) in enumerate(zip(shown, rows, strict=False)):
            key = ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True) if isinstance(v, str))
            for column, expected in zip(columns, row, strict=True):
                values_compared += expected is not None
                if not same_value(shown_row[column], expected):
                    problems.append(
                        f"chart {chart_name!r} query {q} row {i} ({key}) column {column}: "
                        f"Superset {shown_row[column]!r}, export {expected!r}"
                    )
    assert values_compared > 0, f"chart {chart_name!r}: every value is null, nothing was compared"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


def test_dashboard_renders_in_chromium(superset, dashboard_charts):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    user, password = serve.admin_login()
    own_host = urlparse(superset).netloc
    outside_requests: list[str] = []
    chart_errors: list[str] = []
    profile = tempfile.mkdtemp(prefix="superset-chromium-")
    try:
        with sync_playwright() as pw:
            # A fresh profile (user data dir) per run; Playwright passes it as --user-data-dir.
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
                viewport={"width": 1600, "height": 1000},
            )

            def only_this_server(route):
                if urlparse(route.request.url).netloc == own_host or route.request.url.startswith(("data:", "blob:")):
                    route.continue_()
                else:
                    outside_requests.append(route.request.url)
                    route.abort()

            context.route("**/*", only_this_server)
            page = context.pages[0] if context.pages else context.new_page()
            blocked_by_csp: list[str] = []
            page.on("console", lambda m: blocked_by_csp.append(m.text[:200])
                    if "Content Security Policy" in m.text else None)
            page.on("response", lambda r: chart_errors.append(f"{r.status} {r.url}")
                    if "/api/v1/chart/data" in r.url and r.status >= 400 else None)

            page.goto(f"{superset}/login/")
            page.locator("input[name=username], #username").first.fill(user)
            page.locator("input[name=password], #password").first.fill(password)
            page.locator("button[type=submit], input[type=submit]").first.click()
            page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)

            page.goto(f"{superset}/superset/dashboard/{DASHBOARD_SLUG}/")
            # Chart holders (the markdown text sits in the same kind of holder, without a slice header).
            page.locator("[data-test='slice-header']").first.wait_for(timeout=120_000)
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                rendered = page.evaluate(
                    """() => [...document.querySelectorAll("[data-test='dashboard-component-chart-holder']")]
                          .filter(h => h.querySelector("[data-test='slice-header']"))
                          .map(h => ({
                            loading: !!h.querySelector('.loading, [aria-label=loading], [data-test=loading-indicator]'),
                            error: !!h.querySelector('[data-test=alert], .alert-danger, .ant-alert-error'),
                            drawn: !!h.querySelector('canvas, svg, table tbody tr'),
                            text: h.innerText.slice(0, 200)}))"""
                )
                if len(rendered) == len(EXPECTED) and all(r["error"] or (r["drawn"] and not r["loading"])
                                                          for r in rendered):
                    break
                time.sleep(1)
            page.wait_for_timeout(1500)  # let ECharts finish its animation before the screenshot
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    print(f"screenshot: {SCREENSHOT}")
    # Superset's frontend carries a telemetry pixel (Scarf); the content security policy of
    # superset_config.py refuses it in the browser before any request is made.
    for message in sorted(set(blocked_by_csp)):
        print(f"refused by the content security policy: {message}")
    assert len(rendered) == len(EXPECTED), f"{len(rendered)} charts on the page, expected {len(EXPECTED)}"
    failed = [r["text"] for r in rendered if r["error"] or not r["drawn"] or r["loading"]]
    assert not failed, f"charts not rendered or showing an error: {failed}"
    assert not chart_errors, f"chart data requests failed: {chart_errors}"
    assert not outside_requests, f"the dashboard asked for outside addresses: {outside_requests}"
