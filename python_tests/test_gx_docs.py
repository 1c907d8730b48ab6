"""GX Data Docs work offline, keep every run, and go beside the warehouse; the test build keeps its own
dbt target path.

`test_make_test_docs_load_nothing_from_the_network` reads the Data Docs `make test` wrote (TEST_GX_DOCS,
default data/test/gx_docs); the others write their own into tmp_path. The page scanner here is independent
of python_checks/docs_offline.py, which does the rewriting.
"""

from __future__ import annotations

import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from python_checks import checks, docs_offline
from python_checks.cli import main, parse_args
from python_checks.fetch import MartView, WarehouseData
from python_checks.gx_runner import run_suites

REPO = Path(__file__).resolve().parents[1]
REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"');\s]+)""")


class _Assets(HTMLParser):
    """(kind, url) of every script, stylesheet, icon, preloaded font and image, and the inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        rel = values.get("rel", "").lower().split()
        if tag == "script" and values.get("src"):
            self.assets.append(("script", values["src"]))
        elif tag == "link" and values.get("href") and ({"stylesheet", "icon", "preload"} & set(rel)):
            kind = "stylesheet" if "stylesheet" in rel else "font" if values.get("as") == "font" else rel[0]
            self.assets.append((kind, values["href"]))
        elif tag == "img" and values.get("src"):
            self.assets.append(("image", values["src"]))
        self._style = tag == "style" or self._style

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self.styles.append(data)


def _local(base: Path, url: str) -> Path | None:
    if url.startswith(("data:", "#")):
        return None
    return (base.parent / urlsplit(url).path).resolve()


def offline_problems(site: Path) -> tuple[list[str], int]:
    """Every remote script/stylesheet/font/icon and every missing local asset (also those a local
    stylesheet names); and how many local scripts and stylesheets were found."""
    problems: list[str] = []
    local_code = 0
    stylesheets: set[Path] = set()
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"no HTML pages in {site}"], 0
    for page in pages:
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        for kind, url in parser.assets:
            if REMOTE.match(url):
                if kind != "image":
                    problems.append(f"{page.relative_to(site)}: {kind} from the network: {url}")
                continue
            target = _local(page, url)
            if target is None:
                continue
            if not target.is_file():
                problems.append(f"{page.relative_to(site)}: {kind} {url} does not exist")
                continue
            if kind in ("script", "stylesheet"):
                local_code += 1
            if kind == "stylesheet":
                stylesheets.add(target)
        for style in parser.styles:
            for url in CSS_IMPORT.findall(style):
                if REMOTE.match(url):
                    problems.append(f"{page.relative_to(site)}: inline @import from the network: {url}")
            for face in re.findall(r"@font-face\s*{[^}]*}", style):
                for url in CSS_URL.findall(face):
                    if REMOTE.match(url):
                        problems.append(f"{page.relative_to(site)}: inline font from the network: {url}")
    for sheet in sorted(stylesheets):
        css = sheet.read_text(encoding="utf-8", errors="replace")
        for url in CSS_URL.findall(css) + CSS_IMPORT.findall(css):
            if REMOTE.match(url):
                problems.append(f"{sheet.relative_to(site)}: loads {url} from the network")
            elif (target := _local(sheet, url)) is not None and not target.is_file():
                problems.append(f"{sheet.relative_to(site)}: {url} does not exist")
    return problems, local_code


def _suite(persons: int) -> checks.SuiteChecks:
    frame = pd.DataFrame({"group_key": ["a", "b"], "persons": [120, persons], "contacts": [40, 90],
                          "is_suppressed": [False, False]})
    empty = pd.DataFrame()
    data = WarehouseData(empty, empty, empty, empty, empty, empty, empty, True,
                         [MartView("population", ["persons", "contacts"], True, frame)])
    return checks.disclosure(data, threshold=5, suppress_zero=True)


def _index_rows(index: Path) -> list[str]:
    """The validation pages the index's table lists, in its order."""
    return re.findall(r"'_table_row_link_path': '(validations/[^']+)'", index.read_text(encoding="utf-8"))


def test_make_test_docs_load_nothing_from_the_network() -> None:
    site = Path(os.environ.get("TEST_GX_DOCS", REPO / "data" / "test" / "gx_docs"))
    if not (site / "index.html").is_file():
        pytest.fail(f"no Data Docs in {site}: run `make test`, which writes them and sets TEST_GX_DOCS")
    problems, local_code = offline_problems(site)
    assert not problems, "\n".join(problems)
    pages = list((site / "validations").rglob("*.html"))
    assert len(pages) >= 3, f"expected a validation page per suite, found {pages}"
    # The index draws its table with bootstrap-table: it must load it (and jquery, bootstrap) locally.
    index = _Assets()
    index.feed((site / "index.html").read_text(encoding="utf-8"))
    scripts = [url for kind, url in index.assets if kind == "script"]
    for library in ("jquery", "bootstrap.min.js", "bootstrap-table.min.js"):
        assert any(library in url for url in scripts), f"index.html loads no local {library}: {scripts}"
    assert local_code > 20


def _page_text(page: Path) -> str:
    """A page's visible text, line breaks kept, markup and whitespace runs removed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text.replace("<br>", "\n"))
    return re.sub(r"[ \t]+", " ", html.unescape(text))


def test_a_failed_count_shows_its_audited_rows_in_the_data_docs(tmp_path: Path) -> None:
    """The validation page shows, for the failed cell, the audited rows of its files (escaped: GX renders
    the text as HTML), and each count family's description lists those of the family's files."""
    audit = pd.DataFrame({"source_file": ["ssb/persons.parquet", "ssb/persons.parquet", "npr/phv.parquet"],
                          "rejection_reason": ["birth year < 1900 & <b>bold</b>", "missing sex", "unknown care level"],
                          "rejected_by_model": ["base_ssb__persons", "base_ssb__persons",
                                                "base_npr__adult_mental_health_episodes"],
                          "n_rows": [28, 3, 40]})
    suite = checks.SuiteChecks("published_totals", audit=audit)
    suite.families = {"table1_persons": "persons per group"}
    suite.add(checks.Check("table1_persons", "persons ukraine_recent", "63818", 63818, 63818, 63790,
                           ("ssb/persons.parquet", "ssb/residence.parquet")))
    suite.add(checks.Check("table1_persons", "persons other_recent", "20", 20, 20, 20,
                           ("ssb/persons.parquet", "ssb/residence.parquet")))
    results, _ = run_suites([suite], tmp_path / "docs")
    expected = ("ssb/persons.parquet: 28 'birth year < 1900 & <b>bold</b>', 3 'missing sex'; "
                "none in ssb/residence.parquet")
    assert [(f.cell, f.audited) for f in results[0].failures] == [("persons ukraine_recent", expected)]
    page = next((tmp_path / "docs" / "validations").rglob("*.html"))
    source = page.read_text(encoding="utf-8")
    assert "<b>bold</b>" not in source and "&lt;b&gt;bold&lt;/b&gt;" in source
    text = _page_text(page)
    # the table of failed rows: cell, expected, observed, audited
    assert re.search(r"persons ukraine_recent\s+63818\s+63790\.0\s+ssb/persons\.parquet: 28 'birth year < 1900 "
                     r"& <b>bold</b>', 3 'missing sex'; none in ssb/residence\.parquet", text), text
    # the family's description: its rule, then the audited rows of its files, not the other files'
    assert "table1_persons: persons per group (observed at least the band's lower end)" in text
    assert "ssb/persons.parquet: 28 'birth year < 1900 & <b>bold</b>', 3 'missing sex'\nnone in ssb/residence" in text
    assert "unknown care level" not in text


def test_make_test_docs_show_the_audit_of_a_passing_run() -> None:
    """The conservation page of the run `make test` made lists every file's audited rows once."""
    site = Path(os.environ.get("TEST_GX_DOCS", REPO / "data" / "test" / "gx_docs"))
    pages = sorted((site / "validations" / "conservation").rglob("*.html"), key=lambda p: p.parts[-2])
    if not pages:
        pytest.fail(f"no conservation page in {site}: run `make test`, which writes them and sets TEST_GX_DOCS")
    text = _page_text(pages[-1])
    assert "Rejected rows per file and reason (intermediate.int_staging_rejections" in text
    assert re.search(r"ssb/persons\.parquet\s+[\d,]+: [\d,]+ '[^']+'", text), text
    assert re.search(r"total [\d,]+ audited rows in \d+ file\(s\)", text), text


def test_every_run_is_kept_newest_first_and_works_offline(tmp_path: Path) -> None:
    docs = tmp_path / "quality" / "gx_docs"
    first, _ = run_suites([_suite(persons=30)], docs, run_name="first run")
    second, index = run_suites([_suite(persons=3)], docs, run_name="second run")
    assert first[0].success and not second[0].success
    results = sorted((tmp_path / "quality" / "gx_results").rglob("*.json"))
    assert [p.relative_to(tmp_path / "quality" / "gx_results").parts[:2] for p in results] == [
        ("disclosure", "first_run"), ("disclosure", "second_run")]
    rows = _index_rows(index)
    assert [row.split("/")[2] for row in rows] == ["second_run", "first_run"], rows
    for row in rows:
        assert (docs / row).is_file(), row
    stored = json.loads(results[0].read_text())
    assert stored["success"] is True and stored["meta"]["run_id"]["run_name"] == "first_run"
    problems, local_code = offline_problems(docs)
    assert not problems, "\n".join(problems)
    assert local_code > 20


def test_pages_without_a_stored_result_are_set_aside_not_lost(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "gx_docs"
    old = docs / "validations" / "disclosure" / "__none__" / "20240101T000000.000000Z" / "old.html"
    old.parent.mkdir(parents=True)
    old.write_text("<html><body>a run from before results were kept</body></html>")
    run_suites([_suite(persons=30)], docs)
    moved = tmp_path / "gx_docs_without_results" / old.relative_to(docs)
    assert not old.exists()
    assert moved.read_text() == "<html><body>a run from before results were kept</body></html>"
    assert f"moved to {moved}" in capsys.readouterr().out


def test_docs_default_beside_the_warehouse() -> None:
    args = parse_args(["--warehouse", "/secure/warehouse.duckdb", "--raw-dir", "/secure/raw"])
    assert args.docs_dir == Path("/secure/quality/gx_docs")
    assert args.results_dir == Path("/secure/quality/gx_results")
    args = parse_args(["--warehouse", "data/warehouse.duckdb", "--raw-dir", "data/raw"])
    assert args.docs_dir == Path("data/quality/gx_docs")
    args = parse_args(["--warehouse", "w.duckdb", "--raw-dir", "r", "--docs-dir", "/x/docs"])
    assert args.docs_dir == Path("/x/docs") and args.results_dir == Path("/x/gx_results")


def test_an_unknown_cdn_script_is_an_error_naming_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html><head><script src="https://cdn.example.org/new-lib@1/x.js"></script>'
                                     '<link rel="stylesheet" href="https://unpkg.com/bootstrap-table@1.19.1/'
                                     'dist/bootstrap-table.min.css"></head></html>')
    with pytest.raises(docs_offline.OfflineDocsError, match=r"script https://cdn\.example\.org/new-lib@1/x\.js"):
        docs_offline.make_offline(site)
    # The known stylesheet was still made local.
    assert "static/vendor/bootstrap-table@1.19.1/dist/bootstrap-table.min.css" in (site / "index.html").read_text()


def test_a_script_that_does_not_match_its_integrity_hash_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = site / "index.html"
    page.write_text('<script src="https://code.jquery.com/jquery-3.7.1.min.js" integrity="sha384-AAAA" '
                    'crossorigin="anonymous"></script>')
    with pytest.raises(docs_offline.OfflineDocsError, match="does not match the integrity hash"):
        docs_offline.make_offline(site)
    assert "code.jquery.com" in page.read_text()


def test_missing_assets_stop_the_checks_with_the_make_target(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--warehouse", str(tmp_path / "w.duckdb"), "--raw-dir", str(tmp_path),
                 "--assets-dir", str(tmp_path / "no_node_modules")])
    out = capsys.readouterr().out
    assert code == 2
    assert "Data Docs assets not installed" in out and "make docs-assets" in out
    assert not (tmp_path / "quality").exists()


def test_the_test_build_keeps_its_own_dbt_target() -> None:
    """`make test` runs dbt with --target-path data/test/target, so `make build`'s target/ docs stay."""
    warehouse = Path(os.environ.get("TEST_WAREHOUSE", REPO / "data" / "test" / "warehouse.duckdb"))
    target = warehouse.parent / "target"
    for artifact in ("manifest.json", "catalog.json", "run_results.json", "index.html"):
        assert (target / artifact).is_file(), f"{target / artifact} missing: run `make test`"
    catalog = json.loads((target / "catalog.json").read_text())
    assert catalog["nodes"], "the test build's catalog lists no models"
