"""The pages of the site, rendered from the Jinja2 templates in report/templates/, and written atomically."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from . import countries, planner, reasons
from . import figures as fig
from . import tables as tab
from .data import Export, data_description, load_export

MARKER = ".report-site"  # marks a directory this package wrote, so that --out never replaces anything else
STYLESHEET = "report.css"


@dataclass
class Page:
    slug: str
    title: str
    summary: str
    tables: list[tab.Table] = field(default_factory=list)
    figures: list[fig.Figure] = field(default_factory=list)
    intro: str = ""

    @property
    def file(self) -> str:
        return f"{self.slug}.html"


@dataclass(frozen=True)
class PageSpec:
    slug: str
    title: str
    summary: str
    build: Callable[[Export], tuple[list[tab.Table], list[fig.Figure]]]
    intro: str = ""


PAGES: tuple[PageSpec, ...] = (
    PageSpec("table1", "Table 1 (Tabell 1)", "The study population: persons, sex, age and years since settlement",
             lambda e: ([tab.table1(e)], [])),
    PageSpec("table2", "Table 2 (Tabell 2)", "Contacts by service, per person or per 1,000 persons, and mean follow-up",
             lambda e: ([tab.table2(e)], [])),
    PageSpec("table3", "Table 3 (Tabell 3)",
             "Annual contacts per person: follow-up-adjusted and age-sex standardised, with 95 % CIs",
             lambda e: ([tab.table3(e)], [])),
    PageSpec("figure3", "Figure 3 (Figur 3)",
             "Share with a contact by month since settlement, with the general population's reference line",
             lambda e: ([], [fig.figure3(e)])),
    PageSpec("figures4_6", "Figures 4-6 (Figur 4-6)",
             "Annual contacts per person by sex and age group: GP, out-of-hours, somatic specialist care",
             lambda e: ([], [fig.age_sex_figure(e, f) for f in fig.AGE_SEX_FIGURES])),
    PageSpec("time_to_first_contact", "Time to first contact (Tid til første kontakt)",
             "Months from settlement to the first GP, out-of-hours or specialist contact",
             lambda e: ([tab.time_to_first_contact_table(e)], [fig.time_to_first_contact_figure(e)])),
    PageSpec("time_to_first_contact_survival",
             "Time to first contact: survival curves (Tid til første kontakt: overlevelseskurver)",
             "Kaplan-Meier share still without a first GP contact, or a first contact of any kind, "
             "by month since settlement",
             lambda e: ([tab.time_to_first_contact_survival_table(e)],
                        [fig.survival_figure(e, f) for f in fig.SURVIVAL_FIGURES])),
    PageSpec("figures7_9", "Figures 7-9 (Figur 7-9)",
             "Diagnosis chapters among patients: GP, out-of-hours, somatic specialist care",
             lambda e: ([], [fig.diagnosis_figure(e, f) for f in fig.DIAGNOSIS_FIGURES])),
    PageSpec("table_v2", "Table V2 (Tabell V2)", "GP contacts by settlement municipality",
             lambda e: ([tab.municipality_table(e, "table_v2")], [])),
    PageSpec("table_v3", "Table V3 (Tabell V3)", "Out-of-hours contacts by settlement municipality",
             lambda e: ([tab.municipality_table(e, "table_v3")], [])),
    PageSpec("figure_v1", "Figure V1 (Figur V1)",
             "GP and out-of-hours rates in municipalities with and without a refugee health service",
             lambda e: ([tab.figure_v1_table(e)], [fig.figure_v1(e)])),
    PageSpec("traffic_light", "Municipality traffic light (Trafikklys for kommunene)",
             "Observed against expected contacts by municipality and county, compared with the national rates",
             lambda e: (
                 [tab.traffic_light_table(e, s) for s in tab.traffic_light_services(e)],
                 [*(fig.traffic_light_figure(e, s) for s in tab.traffic_light_services(e)),
                  *(fig.traffic_light_figure(e, s, "county") for s in tab.traffic_light_services(e))],
             ),
             intro=("As the municipal public-health profile compares a municipality with the country: for each "
                    "municipality and county and each recent group, the contacts observed against those expected "
                    "if its persons had the national rates of their own group by sex, age group and month since "
                    "settlement (indirect standardisation), with an exact Poisson 95 % CI and a class: higher, "
                    "lower or not different. Every municipality is in the tables; a figure shows those whose "
                    "numbers are published.")),
    PageSpec("countries_of_birth", "Countries of birth (Fødeland)",
             "Tables 2 and 3 by country of birth for the refugee groups, with 95 % CIs",
             lambda e: ([countries.countries_table(e)], [countries.countries_figure(e)])),
    PageSpec("immigration_reasons", "Refugees and family reunified (Flyktninger og familiegjenforente)",
             "Table 3, the time to first contact and Figure 3 by immigration reason (Igrus2 71 and 74)",
             lambda e: ([reasons.rates_table(e), reasons.first_contact_table(e)], [reasons.monthly_figure(e)]),
             intro=("The supervisory investigation of family reunification (Ukom) found that municipalities often "
                    "do not follow up family members reunified with a refugee as they follow up refugees. Here "
                    "each refugee group is split by immigration reason: refugees themselves (Igrus2 71) and family "
                    "members reunified with a refugee (Igrus2 74).")),
    PageSpec("settlement_planner", "Settlement capacity planner (Bosettingsplanlegger)",
             "Expected contacts per municipality and month for a settlement plan (by default 12,640 persons in 2025)",
             lambda e: ([planner.planner_table(e)], [planner.planner_figure(e)]),
             intro=("Report section 4: municipalities are asked to settle 12,640 refugees in 2025. From a settlement "
                    "plan (municipality, month, persons; by default the shipped plan for 2025, or your own with "
                    "`make plan PLAN=my_plan.csv`), the GP, out-of-hours, somatic and mental health care contacts "
                    "expected in each municipality and month of the persons' first 24 months, at the rates observed "
                    "after the 2022-2023 settlements.")),
)


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_context(export: Export) -> dict[str, str]:
    about = export.about
    return {
        "data_description": data_description(about),
        "built_at": about.get("built_at", "unknown"),
        "git_commit": about.get("git_commit", "unknown"),
        "dbt_version": about.get("dbt_version", "?"),
        "duckdb_version": about.get("duckdb_version", "?"),
        "rendered_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "suppression_threshold": str(export.var("suppression_threshold", 5)),
    }


def log(message: str) -> None:
    print(f"report: {message}", flush=True)


def prepare_out(out: Path) -> Path:
    """A fresh staging directory beside `out`; refuses to replace a directory this package did not write."""
    if out.exists() and not (out / MARKER).exists() and any(out.iterdir()):
        raise SystemExit(f"report: {out} exists and is not a report site (no {MARKER}); refusing to replace it")
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("written by python -m report; replaced on every run\n")
    return staging


def swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by the finished site, so that no reader sees a half-written one."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def render_site(bi_dir: Path, out: Path) -> list[Page]:
    started = time.perf_counter()
    export = load_export(bi_dir)
    log(f"read {export.path} ({len(export.tables)} tables, {time.perf_counter() - started:.1f} s)")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = prepare_out(out)
    try:
        env = environment()
        context = build_context(export)
        pages = [Page(spec.slug, spec.title, spec.summary, intro=spec.intro) for spec in PAGES]
        page_template = env.get_template("page.html")
        for spec, page in zip(PAGES, pages, strict=True):
            step = time.perf_counter()
            page.tables, page.figures = spec.build(export)
            for table in page.tables:
                table.csv_frame().to_csv(staging / f"{table.id}.csv", index=False)
            for figure in page.figures:
                svg, png = figure.render()
                (staging / f"{figure.id}.svg").write_text(svg, encoding="utf-8")
                (staging / f"{figure.id}.png").write_bytes(png)
                figure.csv_frame().to_csv(staging / f"{figure.id}.csv", index=False)
            (staging / page.file).write_text(
                page_template.render(page=page, pages=pages, stylesheet=STYLESHEET, **context), encoding="utf-8"
            )
            log(f"{page.slug} ... written ({time.perf_counter() - step:.1f} s)")
        (staging / "index.html").write_text(
            env.get_template("index.html").render(page=None, pages=pages, stylesheet=STYLESHEET, **context),
            encoding="utf-8",
        )
        stylesheet = resources.files("report").joinpath("static", STYLESHEET).read_text(encoding="utf-8")
        (staging / STYLESHEET).write_text(stylesheet, encoding="utf-8")
        log("index ... written")
        swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"{len(pages) + 1} pages in {out} ({time.perf_counter() - started:.1f} s)")
    return pages


def main(bi_dir: Path, out: Path) -> int:
    try:
        render_site(bi_dir, out)
    except Exception as error:  # the export is missing or incomplete: say so in one line
        from .data import ExportError

        if isinstance(error, ExportError):
            print(f"report: {error}", file=sys.stderr)
            return 2
        raise
    return 0
