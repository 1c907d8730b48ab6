"""Tables 2 and 3 for a split of the refugee groups (country of birth, immigration reason), computed with
pandas/numpy/scipy from the warehouse's person-level tables, independently of the SQL: the reference for
test_country_of_birth.py and test_immigration_reasons.py (rates and CIs to 1e-9 relative)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

PROJECT = Path(__file__).resolve().parents[1]
RTOL = 1e-9
ALPHA = 0.05
COMBINED = {
    "somatic_any": ["somatic_day", "somatic_inpatient", "somatic_outpatient"],
    "mental_any": ["mental_adult_day", "mental_adult_inpatient", "mental_adult_outpatient",
                   "mental_child_day", "mental_child_inpatient", "mental_child_outpatient"],
}
COUNTS = ("persons", "persons_followed", "events")
VALUES = ("person_months", "mean_follow_up_months", "contacts_per_person", "crude_rate_annual",
          "crude_rate_ci_lower_annual", "crude_rate_ci_upper_annual", "dsr_annual", "dsr_ci_lower_annual",
          "dsr_ci_upper_annual")


def read(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


def subgroup_rates(warehouse: Path, persons: pd.DataFrame, key: str, reference_group: str) -> pd.DataFrame:
    """Per group x `key` x service: persons, persons followed, contacts, person-months, rates and CIs.

    `persons`: one row per person of the split (person_id, group_key, follow_up_months, `key`)."""
    services = [c.removesuffix("_count")
                for c in read(warehouse, "select * from core.fct_person_months limit 0").columns
                if c.endswith("_count")]
    columns = ", ".join(f"{s}_count" for s in services)
    months = read(warehouse, f"select person_id, cast(group_key as varchar) as group_key, cast(sex as varchar) as sex, "
                  f"cast(age_group as varchar) as age_group, person_months, {columns} from core.fct_person_months")
    reference = (months[months["group_key"] == reference_group].groupby(["sex", "age_group"])["person_months"]
                 .sum())
    months = months.merge(persons[["person_id", key]], on="person_id")
    for combined, parts in COMBINED.items():
        months[f"{combined}_count"] = months[[f"{p}_count" for p in parts]].sum(axis=1)
    all_services = [*services, *COMBINED]
    strata = months.groupby(["group_key", key, "sex", "age_group"])[
        ["person_months", *(f"{s}_count" for s in all_services)]].sum()
    sexes = pd.read_csv(PROJECT / "seeds" / "sexes.csv")["sex"].tolist()
    ages = pd.read_csv(PROJECT / "seeds" / "age_groups.csv")["age_group"].tolist()
    spine = pd.MultiIndex.from_product([sexes, ages], names=["sex", "age_group"])
    weights = reference.reindex(spine, fill_value=0.0).to_numpy()
    weights = weights / weights.sum()

    person_totals = persons.groupby(["group_key", key]).agg(
        persons=("person_id", "size"), persons_followed=("follow_up_months", lambda m: int((m > 0).sum())),
        follow_up_months=("follow_up_months", "sum"))
    rows = []
    for (group, subgroup), totals in person_totals.iterrows():
        key_strata = (strata.xs((group, subgroup), level=["group_key", key])
                      if (group, subgroup) in strata.index.droplevel([2, 3]) else pd.DataFrame(columns=strata.columns))
        key_strata = key_strata.reindex(spine, fill_value=0.0)
        n = key_strata["person_months"].to_numpy(dtype=float)
        keep = n > 0
        for service in all_services:
            d = key_strata[f"{service}_count"].to_numpy(dtype=float)
            events, pm = d.sum(), n.sum()
            lower = 0.0 if events == 0 else stats.chi2.ppf(ALPHA / 2, 2 * events) / 2
            upper = stats.chi2.ppf(1 - ALPHA / 2, 2 * events + 2) / 2
            dsr = np.sum(weights[keep] * d[keep] / n[keep])
            var = np.sum(weights[keep] ** 2 * d[keep] / n[keep] ** 2)
            wm = np.max(weights[keep] / n[keep]) if keep.any() else np.nan
            dsr_lower = 0.0 if dsr == 0 else stats.gamma.ppf(ALPHA / 2, dsr**2 / var, scale=var / dsr)
            dsr_upper = stats.gamma.ppf(1 - ALPHA / 2, (dsr + wm) ** 2 / (var + wm**2),
                                        scale=(var + wm**2) / (dsr + wm))
            rows.append({
                "group_key": group, key: subgroup, "service_key": service,
                "persons": int(totals.persons), "persons_followed": int(totals.persons_followed),
                "events": int(events), "person_months": pm,
                "mean_follow_up_months": totals.follow_up_months / totals.persons,
                "contacts_per_person": events / totals.persons,
                "crude_rate_annual": events / pm * 12, "crude_rate_ci_lower_annual": lower / pm * 12,
                "crude_rate_ci_upper_annual": upper / pm * 12,
                "dsr_annual": dsr * 12, "dsr_ci_lower_annual": dsr_lower * 12, "dsr_ci_upper_annual": dsr_upper * 12,
            })
    return pd.DataFrame(rows).set_index(["group_key", key, "service_key"]).sort_index()


def differences(got: pd.DataFrame, want: pd.DataFrame, counts: dict[str, str], values: dict[str, str]) -> list:
    """(row, column, got, expected) wherever a published (non-null) cell differs; rows must match."""
    assert set(got.index) == set(want.index), set(got.index) ^ set(want.index)
    out = []
    joined = got.join(want.add_suffix("__expected"))
    for column, source in {**counts, **values}.items():
        g = joined[column].astype("float64")
        e = joined[f"{source}__expected"].astype("float64")
        shown = g.notna()
        if column in counts:
            bad = shown & (g != e)
        else:
            bad = shown & ~np.isclose(g, e, rtol=RTOL, atol=0.0)
        out += [(index, column, g[index], e[index]) for index in joined.index[bad]]
    return out
