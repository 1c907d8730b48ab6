"""The audited rows (intermediate.int_staging_rejections) that can explain a failed count, per file and reason.

A count the checks compare with a published total (persons per group, contacts per group and service,
persons per municipality) derives from a few extract files; every raw row of those files that was not
staged is in the audit table with its file and reason. When such a check fails, its message lists the
audited rows of its files, per file and reason, largest first, so a reviewer sees what was lost and why
instead of guessing from the difference. The audit is read with one grouped query (the table is small:
one row per rejected raw row), never from the contact-level tables.

Only the columns source_file, rejection_reason and rejected_by_model are read, and reasons are treated as
opaque text: new reasons and rows from later models (rejected_by_model other than a base_ model) show up
as they are, the latter marked with the model that rejected them.
"""

from __future__ import annotations

import duckdb
import pandas as pd

AUDIT_TABLE = "intermediate.int_staging_rejections"
AUDIT_COLUMNS = ["source_file", "rejection_reason", "rejected_by_model", "n_rows"]
AUDIT_SQL = f"""
    select source_file, rejection_reason, rejected_by_model, count(*) as n_rows
    from {AUDIT_TABLE}
    group by all
    order by n_rows desc, source_file, rejection_reason
"""

PERSON_FILES = ("ssb/persons.parquet", "ssb/residence.parquet")
KUHR_FILES = ("kpr/kuhr_regninger.parquet", "kpr/kuhr_takster.parquet", "kpr/kuhr_diagnoser.parquet")
SOMATIC_FILES = ("npr/somatikk.parquet",)
MENTAL_ADULT_FILES = ("npr/phv.parquet",)
MENTAL_CHILD_FILES = ("npr/phbu.parquet",)
HOME_CARE_FILES = ("kpr/hom_vedtak.parquet",)
CONTACT_FILES = KUHR_FILES + SOMATIC_FILES + MENTAL_ADULT_FILES + MENTAL_CHILD_FILES + HOME_CARE_FILES


def empty_audit() -> pd.DataFrame:
    return pd.DataFrame({"source_file": pd.Series(dtype=str), "rejection_reason": pd.Series(dtype=str),
                         "rejected_by_model": pd.Series(dtype=str), "n_rows": pd.Series(dtype="int64")})


def fetch_audit(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Audited rows per file, reason and rejecting model: one grouped query over the audit table."""
    return con.execute(AUDIT_SQL).df()[AUDIT_COLUMNS]


def contact_files(service: str) -> tuple[str, ...]:
    """The extract files a service's contacts derive from (their register's files; every contact file for
    a service this map does not know). The persons' files are added by the caller: contacts are counted
    per group of the staged persons, so a person who was not staged takes their contacts along."""
    if service.startswith(("gp_", "out_of_hours_", "midwife", "dental_")):
        return KUHR_FILES
    if service.startswith("somatic_"):
        return SOMATIC_FILES
    if service.startswith("mental_adult_"):
        return MENTAL_ADULT_FILES
    if service.startswith("mental_child_"):
        return MENTAL_CHILD_FILES
    if service.startswith("mental_"):
        return MENTAL_ADULT_FILES + MENTAL_CHILD_FILES
    if service.startswith(("home_care_", "institution_care_")):
        return HOME_CARE_FILES
    return CONTACT_FILES


def contact_count_files(service: str) -> tuple[str, ...]:
    """Files a count of contacts per group and service derives from: its register's, then the persons'."""
    return contact_files(service) + PERSON_FILES


def _reason(row: pd.Series) -> str:
    model = str(row["rejected_by_model"])
    by = "" if model.startswith("base_") else f" (by {model})"
    return f"{int(row['n_rows']):,} '{row['rejection_reason']}'{by}"


def per_file(audit: pd.DataFrame, files: tuple[str, ...] | None = None) -> list[tuple[str, int, str]]:
    """(file, audited rows, "n 'reason', ...") for every file with audited rows (only `files`, if given),
    the file with most rows first, its reasons largest first."""
    frame = audit if files is None else audit[audit["source_file"].isin(files)]
    out: list[tuple[str, int, str]] = []
    totals = frame.groupby("source_file", sort=False)["n_rows"].sum()
    for file in sorted(totals.index, key=lambda f: (-int(totals[f]), str(f))):
        rows = frame[frame["source_file"] == file].sort_values(["n_rows", "rejection_reason"],
                                                               ascending=[False, True])
        out.append((str(file), int(totals[file]), ", ".join(_reason(r) for _, r in rows.iterrows())))
    return out


def explain(audit: pd.DataFrame, files: tuple[str, ...]) -> str:
    """What a failed count's message says about the audited rows of its files."""
    listed = per_file(audit, files)
    found = {file for file, _, _ in listed}
    text = "; ".join(f"{file}: {reasons}" for file, _, reasons in listed)
    none = [file for file in dict.fromkeys(files) if file not in found]
    if not listed:
        return (f"no audited rows in {', '.join(none)}: the difference is not explained by rows the staging "
                "refused")
    return text + (f"; none in {', '.join(none)}" if none else "")


def summary_lines(audit: pd.DataFrame, files: list[str] | None = None) -> list[str]:
    """The audit once, one line per file (`files`: every extract file, to name those with none)."""
    listed = per_file(audit)
    if not listed:
        return [f"no audited rows ({AUDIT_TABLE} is empty)"]
    width = max(len(file) for file, _, _ in listed)
    digits = max(len(f"{n:,}") for _, n, _ in listed)
    lines = [f"{file:<{width}}  {n:>{digits},}: {reasons}" for file, n, reasons in listed]
    total = sum(n for _, n, _ in listed)
    found = {file for file, _, _ in listed}
    none = [f for f in (files or []) if f not in found]
    lines.append(f"total {total:,} audited rows in {len(listed)} file(s)"
                 + (f"; none in {', '.join(none)}" if none else ""))
    return lines
