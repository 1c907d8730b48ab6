"""Everything the suites need, fetched from DuckDB as pandas DataFrames in one read-only session.

Only one process at a time may hold a DuckDB file, so the warehouse is opened read-only, queried and
closed before Great Expectations runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from python_checks.audit import empty_audit, fetch_audit
from python_checks.reference import PROJECT_DIR

CONSERVATION_TEST = PROJECT_DIR / "tests" / "conservation" / "assert_every_raw_row_is_staged_or_rejected.sql"
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT"}


@dataclass
class MartView:
    """One view or table of schema marts: its integer columns and the rows that are not suppressed."""

    name: str
    integer_columns: list[str]
    has_suppression_flag: bool
    unsuppressed: pd.DataFrame


@dataclass
class WarehouseData:
    persons_by_group: pd.DataFrame
    contacts_by_group_service: pd.DataFrame
    person_month_sums: pd.DataFrame
    time_interpreter_share: pd.DataFrame
    municipalities: pd.DataFrame
    staged_files: pd.DataFrame
    raw_files: pd.DataFrame
    marts_schema_exists: bool
    marts: list[MartView] = field(default_factory=list)
    text_figures: dict[str, pd.DataFrame] = field(default_factory=dict)
    # audited rows per source_file, rejection_reason, rejected_by_model (python_checks/audit.py)
    audit: pd.DataFrame = field(default_factory=empty_audit)
    # The traffic light (issue 14): aggregates.int_unsuppressed__municipality_traffic_light (every area
    # level, before disclosure control) and marts.municipality_traffic_light; None when not built.
    traffic_light: pd.DataFrame | None = None
    traffic_light_mart: pd.DataFrame | None = None


def staged_sources() -> list[tuple[str, str, str]]:
    """(register, file, staging model) pairs, read from the dbt conservation test: the one place that
    pairs a raw file with its staging model."""
    pairs = re.findall(r"\('(\w+)',\s*'(\w+)',\s*'(stg_\w+)'\)", CONSERVATION_TEST.read_text())
    if not pairs:
        raise RuntimeError(f"no (register, file, staging model) pairs found in {CONSERVATION_TEST}")
    return [(r, f, m) for r, f, m in pairs]


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def fetch(warehouse: Path, raw_dir: Path, project_vars: dict[str, Any], with_text_figures: bool) -> WarehouseData:
    if not warehouse.exists():
        raise FileNotFoundError(f"warehouse {warehouse} not found: build it with dbt first")
    # A bounded memory budget: at national scale the text-figure queries group ~100 M rows, and DuckDB's
    # default (80 % of RAM) would take the whole machine.
    con = duckdb.connect(str(warehouse), read_only=True, config={"memory_limit": "6GB"})
    try:
        return _fetch(con, raw_dir, project_vars, with_text_figures)
    finally:
        con.close()


def _fetch(con: duckdb.DuckDBPyConnection, raw_dir: Path, v: dict[str, Any], with_text_figures: bool) -> WarehouseData:
    reference_year = int(v.get("years_since_settlement_reference_year", 2024))
    under_age = int(v.get("table1_under_age", 18))
    over_age = int(v.get("table1_over_age", 65))
    min_age = int(v.get("time_interpreter_share_min_age", 20))
    max_age = int(v.get("time_interpreter_share_max_age", 49))

    persons = _df(con, f"""
        select
            group_key,
            count(*) as persons,
            100.0 * count(*) filter (where sex = 'male') / count(*) as pct_male,
            avg(report_age) as mean_age_years,
            stddev_samp(report_age) as sd_age_years,
            100.0 * count(*) filter (where report_age < {under_age}) / count(*) as pct_under_18,
            100.0 * count(*) filter (where report_age >= {over_age}) / count(*) as pct_over_65,
            avg({reference_year} - year(settlement_date)) as mean_years_since_settlement,
            stddev_samp({reference_year} - year(settlement_date)) as sd_years_since_settlement,
            count(settlement_date) as persons_with_settlement_date,
            avg(follow_up_months) as mean_followup_months
        from core.dim_persons
        group by group_key
    """)

    by_service = _df(con, """
        select persons.group_key, contacts.service_key as service, count(*) as contacts,
            count(*) filter (where contacts.is_consultation) as consultations
        from core.fct_contacts as contacts
        inner join core.dim_persons as persons on contacts.person_id = persons.person_id
        group by all
    """)
    # Table 2's consultation rows (var consultation_services): contacts of the service each names that carry
    # a consultation tariff.
    consultation_of = {contact: row for row, contact in v["consultation_services"].items()}
    consultations = by_service[by_service["service"].isin(list(consultation_of))].assign(
        service=lambda f: f["service"].map(consultation_of),
        contacts=lambda f: f["consultations"])
    contacts = pd.concat([by_service, consultations], ignore_index=True)[["group_key", "service", "contacts"]]

    count_columns = [r[0] for r in con.execute("""
        select column_name from information_schema.columns
        where table_schema = 'core' and table_name = 'fct_person_months' and column_name like '%\\_count' escape '\\'
        order by ordinal_position
    """).fetchall()]
    sums = ", ".join(f'sum("{c}") as "{c}"' for c in count_columns)
    person_month_wide = _df(con, f"select group_key, {sums} from core.fct_person_months group by group_key")
    person_month_sums = person_month_wide.melt(id_vars="group_key", var_name="column", value_name="contacts")
    person_month_sums["service"] = person_month_sums["column"].str.removesuffix("_count")

    share = _df(con, f"""
        select
            persons.group_key,
            count(*) as consultations,
            100.0 * count(*) filter (
                where coalesce(contacts.has_time_supplement or contacts.has_interpreter, false)) / count(*)
                as pct_time_or_interpreter
        from core.fct_contacts as contacts
        inner join core.dim_persons as persons on contacts.person_id = persons.person_id
        where contacts.service_key = 'gp_contact' and contacts.is_consultation
            and contacts.has_time_interpreter_share_tariff
            and persons.report_age between {min_age} and {max_age}
        group by persons.group_key
    """)

    municipalities = _df(con, """
        with
        persons as (
            select person_id, group_key, settlement_municipality_code as municipality_code
            from core.dim_persons
            where group_key in ('ukraine_recent', 'other_recent')
        ),
        contacts as (
            select
                person_id,
                count(*) filter (where service_key = 'gp_contact') as gp_contact,
                count(*) filter (where service_key = 'out_of_hours_contact') as out_of_hours_contact
            from core.fct_contacts
            where person_id in (select person_id from persons)
            group by person_id
        ),
        person_time as (
            select person_id, sum(person_months) as person_months
            from core.fct_person_months
            where group_key in ('ukraine_recent', 'other_recent')
            group by person_id
        )
        select
            persons.municipality_code,
            persons.group_key,
            count(*) as persons,
            coalesce(sum(contacts.gp_contact), 0) as gp_contact,
            coalesce(sum(contacts.out_of_hours_contact), 0) as out_of_hours_contact,
            coalesce(sum(person_time.person_months), 0) as person_months
        from persons
        left join contacts on persons.person_id = contacts.person_id
        left join person_time on persons.person_id = person_time.person_id
        group by all
    """)

    staged_rows = []
    for register, file, model in staged_sources():
        source_name = f"{register}.{file}"
        staged = con.execute(f"select count(*) from staging.{model}").fetchone()
        rejected = con.execute(
            "select count(*) from intermediate.int_staging_rejections "
            "where source_name = ? and starts_with(rejected_by_model, 'base_')", [source_name]).fetchone()
        staged_rows.append({"file": f"{register}/{file}", "staging_model": model,
                            "staged": staged[0] if staged else None, "rejected": rejected[0] if rejected else None})
    staged_files = pd.DataFrame(staged_rows)

    raw_rows = []
    for path in sorted(raw_dir.glob("*/*.parquet")):
        n = con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()
        raw_rows.append({"file": f"{path.parent.name}/{path.stem}", "raw": n[0] if n else None})
    raw_files = pd.DataFrame(raw_rows, columns=["file", "raw"])

    marts_schema_exists = bool(con.execute(
        "select count(*) from information_schema.schemata where schema_name = 'marts'").fetchone()[0])  # type: ignore[index]
    marts = _fetch_marts(con) if marts_schema_exists else []

    data = WarehouseData(
        persons_by_group=persons, contacts_by_group_service=contacts, person_month_sums=person_month_sums,
        time_interpreter_share=share, municipalities=municipalities, staged_files=staged_files,
        raw_files=raw_files, marts_schema_exists=marts_schema_exists, marts=marts, audit=fetch_audit(con))
    data.traffic_light = _table_or_none(con, "aggregates", "int_unsuppressed__municipality_traffic_light")
    data.traffic_light_mart = _table_or_none(con, "marts", "municipality_traffic_light")
    if with_text_figures:
        data.text_figures = _fetch_text_figures(con)
    return data


def _table_or_none(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pd.DataFrame | None:
    exists = con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                         [schema, table]).fetchone()
    return _df(con, f'select * from "{schema}"."{table}"') if exists and exists[0] else None


def _fetch_marts(con: duckdb.DuckDBPyConnection) -> list[MartView]:
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    views = []
    for table in tables:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? order by ordinal_position", [table]).fetchall()
        names = [c[0] for c in columns]
        integer_columns = [name for name, dtype in columns if dtype.upper() in INTEGER_TYPES]
        has_flag = "is_suppressed" in names
        where = "where not coalesce(is_suppressed, false)" if has_flag else ""
        unsuppressed = _df(con, f'select * from marts."{table}" {where}')
        views.append(MartView(table, integer_columns, has_flag, unsuppressed))
    return views


def _fetch_text_figures(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Inputs of the report's text figures (checked at scale >= 0.5 only)."""
    rates = _df(con, """
        select group_key, sex, age_group,
            sum(person_months) as person_months,
            sum(gp_contact_count) as gp_contact,
            sum(somatic_day_count + somatic_inpatient_count + somatic_outpatient_count) as somatic_any
        from core.fct_person_months
        group by all
    """)
    first_contact = _df(con, """
        with firsts as (
            select person_id, min(months_since_settlement) as months_to_first
            from core.fct_contacts
            where months_since_settlement is not null
                and (service_key in ('gp_contact', 'out_of_hours_contact')
                     or starts_with(service_key, 'somatic_') or starts_with(service_key, 'mental_'))
            group by person_id
        )
        select persons.group_key, persons.sex, persons.age_group, firsts.months_to_first
        from firsts
        inner join core.dim_persons as persons on firsts.person_id = persons.person_id
    """)
    monthly = _df(con, """
        select group_key, months_since_settlement,
            count(*) as persons,
            count(*) filter (where gp_contact_count > 0) as with_gp_contact,
            count(*) filter (where out_of_hours_contact_count > 0) as with_out_of_hours_contact
        from core.fct_person_months
        where group_key in ('ukraine_recent', 'other_recent')
        group by all
    """)
    diagnoses = _df(con, """
        with
        patients as (
            select
                persons.group_key, persons.sex,
                case when starts_with(service_key, 'somatic_') then 'somatic_any' else service_key end as service,
                count(distinct contacts.person_id) as patients
            from core.fct_contacts as contacts
            inner join core.dim_persons as persons on contacts.person_id = persons.person_id
            where service_key in ('gp_contact', 'out_of_hours_contact') or starts_with(service_key, 'somatic_')
            group by all
        ),
        chapters as (
            select
                persons.group_key, persons.sex,
                case when starts_with(service_key, 'somatic_') then 'somatic_any' else service_key end as service,
                chapter_code,
                count(distinct diagnoses.person_id) as patients_with_chapter
            from core.fct_contact_diagnoses as diagnoses
            inner join core.dim_persons as persons on diagnoses.person_id = persons.person_id
            where service_key in ('gp_contact', 'out_of_hours_contact') or starts_with(service_key, 'somatic_')
            group by all
        )
        select chapters.*, patients.patients
        from chapters
        inner join patients
            on chapters.group_key = patients.group_key and chapters.sex = patients.sex
            and chapters.service = patients.service
    """)
    return {"rates": rates, "first_contact": first_contact, "monthly": monthly, "diagnoses": diagnoses}
