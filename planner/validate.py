"""The door for a settlement plan: every problem of a plan CSV at once, one line each, naming the file, the
row and the rule, before anything is built. The same rules as the planner's dbt tests, in words a planner
reads; the codes and categories come from the project's seeds, the window from dbt_project.yml's vars."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
REQUIRED = ("municipality_code", "settlement_month", "persons")
OPTIONAL = ("group_key", "sex", "age_group")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Rules:
    municipalities: frozenset[str]
    groups: frozenset[str]
    sexes: frozenset[str]
    age_groups: frozenset[str]
    window_start: str
    window_end: str


def _seed_column(name: str, column: str) -> frozenset[str]:
    with (PROJECT / "seeds" / f"{name}.csv").open(newline="") as f:
        return frozenset(row[column] for row in csv.DictReader(f))


def project_rules(project_vars: dict | None = None) -> Rules:
    """The rules of this project: seeds municipalities_2024, sexes, age_groups; vars planning_groups,
    planning_window_start and planning_window_end (overridden by `project_vars`)."""
    values = yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]
    values.update(project_vars or {})
    return Rules(
        municipalities=_seed_column("municipalities_2024", "municipality_code"),
        groups=frozenset(values["planning_groups"]),
        sexes=_seed_column("sexes", "sex") - {"all"},
        age_groups=_seed_column("age_groups", "age_group"),
        window_start=str(values["planning_window_start"]),
        window_end=str(values["planning_window_end"]),
    )


def problems(plan: Path, rules: Rules) -> list[str]:
    """Every problem of the plan, as '<file> row <n>: <column>: <rule> (found <value>)'; [] when it is good.
    Row numbers count the header as row 1, as a spreadsheet shows them."""
    if not plan.is_file():
        return [f"{plan}: no such file"]
    try:
        text = plan.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return [f"{plan}: not UTF-8 text ({error.reason} at byte {error.start})"]
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        return [f"{plan}: empty file: expected a header with {', '.join(REQUIRED)}"]
    found: list[str] = []
    for column in REQUIRED:
        if column not in header:
            near = [h for h in header if h.lower() == column.lower()]
            hint = f" (found {near[0]!r}: names are lower case)" if near else ""
            found.append(f"{plan} row 1: missing column {column!r}: a plan has {', '.join(REQUIRED)} "
                         f"and optionally {', '.join(OPTIONAL)}{hint}")
    for column in header:
        if column not in REQUIRED + OPTIONAL:
            found.append(f"{plan} row 1: unknown column {column!r}: a plan has {', '.join(REQUIRED)} "
                         f"and optionally {', '.join(OPTIONAL)}")
    if found:
        return found
    rows = 0
    for number, raw in enumerate(reader, start=2):
        rows += 1
        row = {key.strip(): (value or "").strip() for key, value in raw.items() if key is not None}
        if None in raw:
            found.append(f"{plan} row {number}: more fields than the header's {len(header)}")
        where = f"{plan} row {number}"
        code = row.get("municipality_code", "")
        if code not in rules.municipalities:
            hint = (" (a leading zero lost?)"
                    if code.isdigit() and len(code) == 3 and "0" + code in rules.municipalities else "")
            found.append(f"{where}: municipality_code: not a 2024 municipality code (seed municipalities_2024){hint} "
                         f"(found {code!r})")
        month = row.get("settlement_month", "")
        match = MONTH.match(month)
        if not match or not 1 <= int(match.group(2)) <= 12:
            found.append(f"{where}: settlement_month: must be a month as YYYY-MM (found {month!r})")
        elif not rules.window_start <= month <= rules.window_end:
            found.append(f"{where}: settlement_month: outside the planning window {rules.window_start} .. "
                         f"{rules.window_end} (vars planning_window_start, planning_window_end) (found {month!r})")
        persons = row.get("persons", "")
        if not re.fullmatch(r"\d+", persons):
            rule = "must not be negative" if re.fullmatch(r"-\d+", persons) else "must be a whole number >= 0"
            found.append(f"{where}: persons: {rule} (found {persons!r})")
        for column, allowed, what in (("group_key", rules.groups, "a recent refugee group (var planning_groups)"),
                                      ("sex", rules.sexes, "a sex of seed sexes"),
                                      ("age_group", rules.age_groups, "an age group of seed age_groups")):
            value = row.get(column, "")
            if value and value not in allowed:
                found.append(f"{where}: {column}: must be empty or {what}: {', '.join(sorted(allowed))} "
                             f"(found {value!r})")
    if rows == 0:
        found.append(f"{plan}: no rows after the header")
    return found
