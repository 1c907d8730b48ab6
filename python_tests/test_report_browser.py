"""The rendered report opened in a real browser (headless Debian Chromium driven by Playwright).

Every page of the site is served from 127.0.0.1 and loaded once; the test fails on a console error, a failed
or non-local request, an HTTP error, a figure that does not render, a broken link, a missing provenance
header, or a table cell that differs from the BI export formatted by the report's own formatting functions.
A full-page screenshot of each page is written to <REPORT_DIR>/screenshots/<page>.png.

Needs BI_DIR (the export, marts.duckdb) and REPORT_DIR (the site rendered from it, `python -m report`);
the Makefile sets both. Without them the module is skipped and says why.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pandas as pd
import pytest

from report.formatting import (
    NOT_APPLICABLE,
    SUPPRESSED,
    bilingual,
    fmt_ci,
    fmt_count,
    fmt_decimal,
    is_missing,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every page of the site and the figures it must show (report/site.py's PAGES plus the index).
PAGES = {
    "index": 0,
    "table1": 0,
    "table2": 0,
    "table3": 0,
    "figure3": 1,
    "figures4_6": 3,
    "time_to_first_contact": 1,
    "time_to_first_contact_survival": 2,
    "figures7_9": 3,
    "table_v2": 0,
    "table_v3": 0,
    "figure_v1": 1,
    "traffic_light": 6,
    "countries_of_birth": 1,
    "immigration_reasons": 1,
    "settlement_planner": 1,
}
# Table 3's services when the export's about table has no var.table3_services.
TABLE3_SERVICES = [
    "gp_contact",
    "gp_consultation",
    "out_of_hours_contact",
    "out_of_hours_consultation",
    "somatic_any",
    "mental_any",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

BI_DIR = os.environ.get("BI_DIR")
REPORT_DIR = os.environ.get("REPORT_DIR")
if not BI_DIR or not REPORT_DIR:
    pytest.skip(
        "BI_DIR and REPORT_DIR are not set: point them at a BI export and the report rendered from it "
        "(make test sets both; by hand: "
        "BI_DIR=data/bi REPORT_DIR=data/report pytest python_tests/test_report_browser.py)",
        allow_module_level=True,
    )

# Cells of a table as rendered: (row group, stub, column id) -> text.
Cells = dict[tuple[str | None, str | None, str], str]

EXTRACT_CELLS = """
(tableId) => {
  const root = document.getElementById(tableId);
  if (!root) return null;
  const cells = [];
  let group = null;
  for (const tr of root.querySelectorAll('table tbody tr')) {
    const heading = tr.querySelector('th.gt_group_heading');
    if (heading) { group = heading.textContent.trim(); continue; }
    const stub = tr.querySelector('th.gt_stub');
    for (const td of tr.querySelectorAll('td')) {
      const headers = (td.getAttribute('headers') || '').trim().split(/\\s+/);
      cells.push({group: group, stub: stub ? stub.textContent.trim() : null,
                  column: headers[headers.length - 1], text: td.textContent.trim()});
    }
  }
  return cells;
}
"""
IMAGES = """
() => Array.from(document.images).map(img => ({
  src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
  shown: img.getBoundingClientRect().width
}))
"""
INLINE_SVGS = (
    "\n() => Array.from(document.querySelectorAll('svg'))"
    ".map(svg => { const box = svg.getBBox(); return box.width * box.height; })\n"
)


@dataclass
class Visit:
    """What one page did in the browser."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    inline_svg_areas: list[float] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    provenance: str = ""
    tables: dict[str, Cells] = field(default_factory=dict)
    screenshot: Path | None = None

    def __repr__(self) -> str:  # pytest prints fixtures in failures: keep it short
        return f"Visit({len(self.images)} images, {len(self.tables)} tables, {len(self.links)} links)"


def report_dir() -> Path:
    path = Path(REPORT_DIR).resolve()
    if not (path / "index.html").is_file():
        pytest.fail(f"REPORT_DIR={REPORT_DIR} holds no rendered report (index.html); run python -m report first")
    return path


@pytest.fixture(scope="module")
def export() -> dict[str, pd.DataFrame]:
    path = Path(BI_DIR) / "marts.duckdb"
    if not path.is_file():
        pytest.fail(f"BI_DIR={BI_DIR} holds no BI export (marts.duckdb)")
    names = ["about", "population_by_group", "contacts_by_group", "consultation_time_interpreter_share",
             "annual_rates", "municipality_rates", "time_to_first_contact", "refugee_health_service_comparison",
             "time_to_first_contact_survival", "municipality_traffic_light",
             "annual_rates_by_country_of_birth", "contacts_by_country_of_birth",
             "annual_rates_by_immigration_reason", "time_to_first_contact_by_immigration_reason"]
    with duckdb.connect(str(path), read_only=True) as con:
        return {name: con.execute(f'select * from main."{name}"').df() for name in names}


@pytest.fixture(scope="module")
def server():
    """The site on an ephemeral 127.0.0.1 port, as a reader's browser would get it."""
    handler = functools.partial(QuietHandler, directory=str(report_dir()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def visits(server) -> dict[str, Visit]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    shots = report_dir() / "screenshots"
    shots.mkdir(exist_ok=True)
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for name in PAGES:
                results[name] = visit(browser, server, name, shots)
        finally:
            browser.close()
    return results


def visit(browser, base_url: str, name: str, shots: Path) -> Visit:
    result = Visit()
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(route):
        url = urlparse(route.request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in LOCAL_HOSTS:
            result.external_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and result.console_errors.append(message.text))
    page.on("pageerror", lambda error: result.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: result.failed_requests.append(
        f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400 and result.http_errors.append(
        f"{response.status} {response.url}"))
    page.goto(f"{base_url}/{name}.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    result.images = page.evaluate(IMAGES)
    result.inline_svg_areas = page.evaluate(INLINE_SVGS)
    result.provenance = page.locator("#provenance").inner_text() if page.locator("#provenance").count() else ""
    for table_id in page.eval_on_selector_all("div[id]:has(> table.gt_table)",
                                              "els => els.map(e => e.id)"):
        result.tables[table_id] = {
            (cell["group"], cell["stub"], cell["column"].removeprefix(f"{table_id}-")): cell["text"]
            for cell in page.evaluate(EXTRACT_CELLS, table_id)
        }
    result.links = sorted(set(page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")))
    for link in result.links:
        if urlparse(link).hostname in LOCAL_HOSTS:
            response = context.request.get(link)
            if response.status != 200 or not response.body():
                result.broken_links.append(f"{response.status} {link}")
        else:
            result.broken_links.append(f"not local: {link}")
    result.screenshot = shots / f"{name}.png"
    page.screenshot(path=str(result.screenshot), full_page=True)
    context.close()
    return result


# ---------------------------------------------------------------------------------------------- pages
def test_the_site_has_exactly_the_expected_pages():
    rendered = {path.stem for path in report_dir().glob("*.html")}
    assert rendered == set(PAGES), f"pages not visited or missing: {rendered ^ set(PAGES)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors_or_network(visits, name):
    result = visits[name]
    assert result.external_requests == [], f"{name}: requests leaving the machine {result.external_requests}"
    assert result.failed_requests == [], f"{name}: failed requests {result.failed_requests}"
    assert result.http_errors == [], f"{name}: HTTP errors {result.http_errors}"
    assert result.console_errors == [], f"{name}: console errors {result.console_errors}"


@pytest.mark.parametrize("name", PAGES)
def test_figures_render(visits, name):
    result = visits[name]
    figures = [image for image in result.images if image["src"].endswith(".svg")]
    assert len(figures) == PAGES[name], f"{name}: expected {PAGES[name]} figures, found {result.images}"
    for image in result.images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, f"{name}: not rendered {image}"
        assert image["shown"] > 100, f"{name}: figure shown {image['shown']} px wide: {image}"
    assert all(area > 0 for area in result.inline_svg_areas), f"{name}: an inline SVG draws nothing"


@pytest.mark.parametrize("name", PAGES)
def test_links_resolve(visits, name):
    result = visits[name]
    assert result.broken_links == [], f"{name}: broken links {result.broken_links}"
    local = {Path(urlparse(link).path).name for link in result.links}
    assert {f"{page}.html" for page in PAGES} <= local, f"{name}: navigation misses pages"
    for table_id in result.tables:
        assert f"{table_id}.csv" in local, f"{name}: no CSV download of {table_id}"
    for image in result.images:
        stem = image["src"].removesuffix(".svg")
        assert {f"{stem}.svg", f"{stem}.png", f"{stem}.csv"} <= local, f"{name}: downloads of {stem} missing"


@pytest.mark.parametrize("name", PAGES)
def test_header_names_the_data_and_the_build(visits, export, name):
    about = dict(zip(export["about"]["key"], export["about"]["value"], strict=True))
    if about["data_source"] == "synthetic":
        expected = (f"Synthetic extracts, scale {about['synthetic_scale']}, seed {about['synthetic_seed']} "
                    f"(generator {about['generator_version']})")
    else:
        expected = "Real extracts"
    provenance = visits[name].provenance
    assert expected in provenance, f"{name}: header {provenance!r} does not say {expected!r}"
    assert about["git_commit"] in provenance and about["built_at"] in provenance, provenance


@pytest.mark.parametrize("name", PAGES)
def test_screenshot_saved(visits, name):
    shot = visits[name].screenshot
    assert shot is not None and shot.is_file() and shot.stat().st_size > 10_000, shot


# ------------------------------------------------------------------------------------- table values
def assert_cells(rendered: Cells, expected: Cells, what: str) -> None:
    """Every expected cell is on the page with exactly the expected text, and the page has no other cell."""
    wrong = {key: (rendered.get(key, "<missing>"), text) for key, text in expected.items() if rendered.get(key) != text}
    assert not wrong, (f"{what}: {len(wrong)} cells differ from the export (page, export): "
                       f"{dict(list(wrong.items())[:10])}")
    extra = set(rendered) - set(expected)
    assert not extra, f"{what}: cells the test does not know: {sorted(extra, key=str)[:10]}"


def group_label(row) -> str:
    return bilingual(row.group_label_en, row.group_label_no)


def test_table1_matches_export(visits, export):
    columns = {
        "persons": (bilingual("Persons", "Antall personer"), fmt_count),
        "pct_male": (bilingual("Men, %", "Andel menn, %"), fmt_decimal),
        "mean_age_years": (bilingual("Mean age, years", "Gjennomsnittsalder, år"), fmt_decimal),
        "pct_under_18": (bilingual("Under 18 years, %", "Under 18 år, %"), fmt_decimal),
        "pct_65_and_over": (bilingual("65 years and over, %", "65 år og over, %"), fmt_decimal),
        "mean_years_since_settlement": (
            bilingual("Mean years since settlement", "Gjennomsnittlig antall år siden bosetting"), fmt_decimal),
    }
    expected = {}
    frame = export["population_by_group"]
    assert len(frame) == 4
    for row in frame.itertuples():
        for column, (label, formatter) in columns.items():
            value = getattr(row, column)
            if column == "mean_years_since_settlement" and row.group_key == "general_population":
                assert is_missing(value), "the general population has no settlement"
                text = NOT_APPLICABLE
            else:
                text = formatter(value)
            expected[(None, label, row.group_key)] = text
    assert_cells(visits["table1"].tables["table1"], expected, "Table 1")


def test_table2_matches_export(visits, export):
    rendered = visits["table2"].tables["table2"]
    expected = {}
    for row in export["contacts_by_group"].itertuples():
        value = row.contacts_per_person if row.per_unit == "person" else row.contacts_per_1000_persons
        unit = {"person": "per person", "1000 persons": "per 1,000"}[row.per_unit]
        label = bilingual(row.service_label_en, row.service_label_no)
        group = bilingual("Contacts, not adjusted for follow-up", "Kontakter, ikke justert for oppfølgingstid")
        expected[(group, label, "unit")] = unit
        expected[(group, label, f"{row.group_key}__number")] = fmt_count(row.contacts)
        expected[(group, label, f"{row.group_key}__value")] = fmt_decimal(value)
    service_cells = {key: text for key, text in rendered.items() if key[0] == group}
    assert_cells(service_cells, expected, "Table 2 (services)")
    persons = {key[2]: text for key, text in rendered.items() if key[1] == bilingual("Persons", "Antall personer")}
    follow_up = {key[2]: text for key, text in rendered.items()
                 if key[1] == bilingual("Mean follow-up", "Gjennomsnittlig oppfølgingstid")}
    for row in export["population_by_group"].itertuples():
        assert persons[f"{row.group_key}__number"] == fmt_count(row.persons)
        assert follow_up[f"{row.group_key}__value"] == fmt_decimal(row.mean_follow_up_months)
    share = {key[2]: text for key, text in rendered.items()
             if key[1] == bilingual("With time tariff and/or interpreter", "Med tidstakst og/eller tolk")}
    for row in export["consultation_time_interpreter_share"].itertuples():
        assert share[f"{row.group_key}__number"] == fmt_count(row.consultations_with_time_or_interpreter)
        assert share[f"{row.group_key}__value"] == fmt_decimal(row.pct_with_time_or_interpreter)


def test_table3_matches_export(visits, export):
    about = dict(zip(export["about"]["key"], export["about"]["value"], strict=True))
    services = json.loads(about["var.table3_services"]) if "var.table3_services" in about else TABLE3_SERVICES
    frame = export["annual_rates"]
    frame = frame[frame["service_key"].isin(services)]
    assert len(frame) == len(services) * 4
    expected = {}
    for row in frame.itertuples():
        key = (bilingual(row.service_label_en, row.service_label_no), group_label(row))
        expected |= {
            (*key, "persons_followed"): fmt_count(row.persons_followed),
            (*key, "contacts"): fmt_count(row.contacts),
            (*key, "rate"): fmt_decimal(row.rate_annual),
            (*key, "rate_ci"): fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
            (*key, "dsr"): fmt_decimal(row.dsr_annual),
            (*key, "dsr_ci"): fmt_ci(row.dsr_ci_lower_annual, row.dsr_ci_upper_annual),
        }
        if row.is_suppressed:
            assert expected[(*key, "rate")] == SUPPRESSED
    assert_cells(visits["table3"].tables["table3"], expected, "Table 3")


@pytest.mark.parametrize(("name", "service_key"), [("table_v2", "gp_contact"), ("table_v3", "out_of_hours_contact")])
def test_municipality_tables_match_export(visits, export, name, service_key):
    frame = export["municipality_rates"]
    frame = frame[frame["service_key"] == service_key]
    assert frame["municipality_code"].nunique() > 0
    expected = {}
    for code, municipality in frame.groupby("municipality_code"):
        first = municipality.iloc[0]
        key = (first.county_name, f"{code} {first.municipality_name}")
        flag = first.has_refugee_health_service
        expected[(*key, "refugee_health_service")] = "" if is_missing(flag) else ("yes (ja)" if flag else "no (nei)")
        for group_key in ("ukraine_recent", "other_recent"):  # a group without a row is shown suppressed
            expected |= {(*key, f"{group_key}__{m}"): SUPPRESSED for m in ("persons", "contacts", "rate")}
        for row in municipality.itertuples():
            expected |= {
                (*key, f"{row.group_key}__persons"): fmt_count(row.persons),
                (*key, f"{row.group_key}__contacts"): fmt_count(row.contacts),
                (*key, f"{row.group_key}__rate"): fmt_decimal(row.rate_annual),
            }
    assert_cells(visits[name].tables[name], expected, name)
    suppressed = frame["is_suppressed"].sum()
    shown = sum(text == SUPPRESSED for text in visits[name].tables[name].values())
    assert shown >= suppressed, f"{name}: {suppressed} suppressed rows in the export, only {shown} '-' cells"


def test_time_to_first_contact_table_matches_export(visits, export):
    expected = {}
    for row in export["time_to_first_contact"].itertuples():
        stub = bilingual("All", "Alle") if row.is_group_total else (
            f"{bilingual(row.sex_label_en, row.sex_label_no)} {row.age_group}")
        key = (group_label(row), stub)
        expected[(*key, "persons_with_contact")] = fmt_count(row.persons_with_contact)
        expected[(*key, "mean_months")] = fmt_decimal(row.mean_months_to_first_contact)
    name = "time_to_first_contact"
    assert_cells(visits[name].tables[name], expected, "time to first contact")


def test_time_to_first_contact_survival_table_matches_export(visits, export):
    services = {"gp": bilingual("First GP contact", "Første fastlegekontakt"),
                "any": bilingual("First GP, out-of-hours or specialist contact",
                                 "Første kontakt med fastlege, legevakt eller spesialisthelsetjeneste")}
    frame = export["time_to_first_contact_survival"]
    months = frame.set_index(["first_contact_service", "group_key", "sex", "age_group", "months_since_settlement"])
    expected = {}
    for row in frame[frame["months_since_settlement"] == 0].itertuples():
        stub = bilingual("All", "Alle") if row.is_group_total else (
            f"{bilingual(row.sex_label_en, row.sex_label_no)} {row.age_group}")
        key = (f"{services[row.first_contact_service]}: {group_label(row)}", stub)
        expected[(*key, "persons")] = fmt_count(row.persons_at_risk)
        expected[(*key, "median")] = fmt_count(row.median_months_to_first_contact)
        for month in (3, 6, 12):
            at = months.loc[(row.first_contact_service, row.group_key, row.sex, row.age_group, month)] if (
                row.first_contact_service, row.group_key, row.sex, row.age_group, month) in months.index else None
            shown = at is not None and not at["is_suppressed"]
            expected[(*key, f"pct_{month}")] = fmt_decimal(100 * at["survival"]) if shown else SUPPRESSED
            expected[(*key, f"ci_{month}")] = (
                fmt_ci(100 * at["survival_ci_lower"], 100 * at["survival_ci_upper"]) if shown else SUPPRESSED)
    name = "time_to_first_contact_survival"
    assert_cells(visits[name].tables[name], expected, "time to first contact, survival")


def test_figure_v1_table_matches_export(visits, export):
    expected = {}
    for row in export["refugee_health_service_comparison"].itertuples():
        service = bilingual(row.service_label_en, row.service_label_no)
        kind = (bilingual("With a refugee health service", "med flyktninghelsetjeneste")
                if row.has_refugee_health_service
                else bilingual("Without a refugee health service", "uten flyktninghelsetjeneste"))
        key = (f"{service}: {group_label(row)}", kind)
        expected |= {
            (*key, "municipalities"): fmt_count(row.municipalities),
            (*key, "persons"): fmt_count(row.persons),
            (*key, "contacts"): fmt_count(row.contacts),
            (*key, "rate"): fmt_decimal(row.rate_annual),
            (*key, "rate_ci"): fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
        }
    assert_cells(visits["figure_v1"].tables["figure_v1_table"], expected, "Figure V1 table")


def test_traffic_light_tables_match_export(visits, export):
    frame = export["municipality_traffic_light"]
    classes = {"higher": "higher (høyere)", "lower": "lower (lavere)",
               "not different": "not different (ikke forskjellig)"}
    services = sorted(frame["service_key"].unique())
    assert set(services) == {"gp_contact", "out_of_hours_contact", "somatic_any"}
    for service_key in services:
        rows = frame[frame["service_key"] == service_key]
        # Every municipality of the 2024 structure and every county, published or not.
        assert rows.loc[rows["area_level"] == "municipality", "area_code"].nunique() == 357
        expected = {}
        for row in rows.itertuples():
            stub = f"{row.area_code} {row.area_name}" + (" (county / fylke)" if row.area_level == "county" else "")
            key = (row.county_name, stub)
            expected |= {
                (*key, f"{row.group_key}__observed"): fmt_count(row.observed_contacts),
                (*key, f"{row.group_key}__expected"): fmt_decimal(row.expected_contacts),
                (*key, f"{row.group_key}__ratio"): fmt_decimal(row.standardised_ratio, 2),
                (*key, f"{row.group_key}__ratio_ci"): fmt_ci(row.standardised_ratio_ci_lower,
                                                            row.standardised_ratio_ci_upper, 2),
                (*key, f"{row.group_key}__class"): SUPPRESSED if is_missing(row.comparison_class)
                else classes[row.comparison_class],
            }
            if row.is_suppressed:
                assert expected[(*key, f"{row.group_key}__ratio")] == SUPPRESSED
        table_id = f"traffic_light_{service_key}"
        assert_cells(visits["traffic_light"].tables[table_id], expected, table_id)


def test_countries_of_birth_table_matches_export(visits, export):
    about = dict(zip(export["about"]["key"], export["about"]["value"], strict=True))
    services = json.loads(about["var.table3_services"]) if "var.table3_services" in about else TABLE3_SERVICES
    rates = export["annual_rates_by_country_of_birth"]
    contacts = export["contacts_by_country_of_birth"].set_index(["group_key", "country_key", "service_key"])
    frame = rates[rates["service_key"].isin(services)]
    assert len(frame) == len(frame.drop_duplicates(["group_key", "country_key"])) * len(services)
    expected = {}
    for row in frame.itertuples():
        other = contacts.loc[(row.group_key, row.country_key, row.service_key)]
        key = (f"{group_label(row)}: {bilingual(row.service_label_en, row.service_label_no)}",
               bilingual(row.country_name_en, row.country_name_no))
        per_person = other.contacts_per_person if other.per_unit == "person" else other.contacts_per_1000_persons
        expected |= {
            (*key, "persons"): fmt_count(other.persons),
            (*key, "contacts"): fmt_count(row.contacts),
            (*key, "per_person"): fmt_decimal(per_person),
            (*key, "rate"): fmt_decimal(row.rate_annual),
            (*key, "rate_ci"): fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
            (*key, "dsr"): fmt_decimal(row.dsr_annual),
            (*key, "dsr_ci"): fmt_ci(row.dsr_ci_lower_annual, row.dsr_ci_upper_annual),
        }
        if row.is_suppressed:
            assert expected[(*key, "contacts")] == SUPPRESSED
    assert_cells(visits["countries_of_birth"].tables["countries_of_birth"], expected, "Countries of birth")


def _reason_label(row) -> str:
    if row.immigration_reason_key == "all":
        return bilingual("All", "Alle")
    return bilingual(row.immigration_reason_label_en, row.immigration_reason_label_no)


def test_immigration_reason_tables_match_export(visits, export):
    about = dict(zip(export["about"]["key"], export["about"]["value"], strict=True))
    services = json.loads(about["var.table3_services"]) if "var.table3_services" in about else TABLE3_SERVICES
    rates = export["annual_rates_by_immigration_reason"]
    rates = rates[rates["service_key"].isin(services)]
    assert set(rates["immigration_reason_key"]) == {"refugee", "family_reunified"}
    expected = {}
    for row in rates.itertuples():
        key = (f"{group_label(row)}: {bilingual(row.service_label_en, row.service_label_no)}",
               _reason_label(row))
        expected |= {
            (*key, "persons_followed"): fmt_count(row.persons_followed),
            (*key, "contacts"): fmt_count(row.contacts),
            (*key, "rate"): fmt_decimal(row.rate_annual),
            (*key, "rate_ci"): fmt_ci(row.rate_ci_lower_annual, row.rate_ci_upper_annual),
            (*key, "dsr"): fmt_decimal(row.dsr_annual),
            (*key, "dsr_ci"): fmt_ci(row.dsr_ci_lower_annual, row.dsr_ci_upper_annual),
        }
        if row.is_suppressed:
            assert expected[(*key, "contacts")] == SUPPRESSED
    tables = visits["immigration_reasons"].tables
    assert_cells(tables["immigration_reason_rates"], expected, "Annual rates by immigration reason")
    kinds = {"any": bilingual("Any: GP, out-of-hours or specialist", "Alle: fastlege, legevakt eller spesialist"),
             "gp": bilingual("GP", "Fastlege")}
    expected = {}
    for row in export["time_to_first_contact_by_immigration_reason"].itertuples():
        key = (f"{group_label(row)}: {kinds[row.first_contact_service]}", _reason_label(row))
        expected |= {
            (*key, "persons_followed"): fmt_count(row.persons_followed),
            (*key, "persons_with_contact"): fmt_count(row.persons_with_contact),
            (*key, "pct_with_contact"): fmt_decimal(row.pct_with_contact),
            (*key, "mean_months"): fmt_decimal(row.mean_months_to_first_contact),
            (*key, "mean_months_ci"): fmt_ci(row.mean_months_ci_lower, row.mean_months_ci_upper),
        }
    assert_cells(tables["immigration_reason_first_contact"], expected, "Time to first contact by immigration reason")
