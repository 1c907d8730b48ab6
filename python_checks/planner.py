"""Suite 6, settlement_planner (issue 14 item 4): the planner's mart planned_contacts against the plan it was
made from and its own rules, over `marts.planned_contacts` and the plan as the warehouse read it
(`aggregates.int_settlement_plan`):

- `plan_persons_kept`: per municipality, the mart's planned persons summed over its calendar months = the
  plan's persons there x the horizon's months (nothing of the plan lost or counted twice);
- `interval_brackets`: every prediction interval holds its expectation, lower <= expected <= upper;
- `no_small_rates`: no expected value rests on a rate of 1-5 observed contacts (min_rate_contacts > 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from python_checks.checks import Check, SuiteChecks


@dataclass(frozen=True)
class PlannerData:
    planned: pd.DataFrame
    plan: pd.DataFrame
    horizon_months: int
    threshold: int


def fetch_planner_data(warehouse: Path, horizon_months: int, threshold: int) -> PlannerData:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        planned = con.execute(
            "select municipality_code, calendar_month, service_key, planned_population, expected_contacts, "
            "prediction_interval_lower, prediction_interval_upper, min_rate_contacts from marts.planned_contacts"
        ).df()
        plan = con.execute(
            "select municipality_code, settlement_month, persons from aggregates.int_settlement_plan").df()
    return PlannerData(planned, plan, horizon_months, threshold)


def settlement_planner(data: PlannerData) -> SuiteChecks:
    suite = SuiteChecks("settlement_planner")
    suite.families = {
        "plan_persons_kept": "Planned persons per municipality, summed over its months = the plan's persons "
                             f"there x {data.horizon_months} months",
        "interval_brackets": "Prediction interval lower <= expected contacts <= upper, every row",
        "no_small_rates": f"No expected value rests on a rate of 1-{data.threshold} observed contacts",
    }
    # Per municipality: every planned person counts in each of the horizon's months, so the planned
    # person-months of the mart (one value per municipality and month) = persons x horizon.
    expected = data.plan.groupby("municipality_code")["persons"].sum() * data.horizon_months
    planned = data.planned
    observed = (planned.drop_duplicates(["municipality_code", "calendar_month"])
                .groupby("municipality_code")["planned_population"].sum())
    for code, person_months in expected.items():
        got = observed.get(code)
        suite.add(Check("plan_persons_kept", f"planned person-months {code}", str(int(person_months)),
                        float(person_months), float(person_months), None if got is None else float(got)))
    width = planned["prediction_interval_upper"] - planned["prediction_interval_lower"]
    for name, values in (("lower <= expected", planned["expected_contacts"] - planned["prediction_interval_lower"]),
                         ("expected <= upper", planned["prediction_interval_upper"] - planned["expected_contacts"]),
                         ("width >= 0", width)):
        suite.add(Check("interval_brackets", f"smallest ({name}) over {len(planned)} rows", ">= 0", 0.0,
                        float("inf"), float(values.min()) if len(values) else None))
    rates = planned["min_rate_contacts"].dropna()
    suite.add(Check("no_small_rates", "fewest contacts behind a rate used", f"> {data.threshold}",
                    data.threshold + 1.0, float("inf"), float(rates.min()) if len(rates) else None))
    return suite
