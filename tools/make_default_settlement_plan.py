"""Write seeds/settlement_plan_2025.csv, the planner's default plan (issue 14 item 4): the 12,640 refugees
the government asked municipalities to settle in 2025 (report section 4), spread over municipalities like the
2022-2023 settlements and evenly over the twelve months of 2025.

Where: the 95 municipalities of Tables V2/V3 get their published share of the recent refugees settled in
2022-2023 (persons of both recent groups in seeds/reference_table_v2_v3_municipalities.csv over Table 1's
persons of the two groups); the rest is spread evenly over the other municipalities of
seeds/municipalities_2024.csv (nearly every municipality settled refugees in 2022-2023, and the report
publishes no finer split). When: the report publishes no monthly profile for 2025, so each municipality's
persons are spread evenly over the months, by largest remainder, starting at a month that rotates from one
municipality to the next. Integer persons throughout (largest remainder), summing to 12,640 exactly.

    .venv/bin/python tools/make_default_settlement_plan.py
"""

from __future__ import annotations

import csv
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT / "seeds"
TOTAL = 12_640
YEAR = 2025


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to `weights` that sum to `total` (ties to the earlier entry)."""
    whole = sum(weights)
    exact = [w / whole * total for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def main() -> None:
    with (SEEDS / "reference_table1_population.csv").open() as f:
        table1 = {row["measure"]: row for row in csv.DictReader(f)}
    recent_persons = int(table1["persons"]["ukraine_recent"]) + int(table1["persons"]["other_recent"])
    named: dict[str, int] = {}
    with (SEEDS / "reference_table_v2_v3_municipalities.csv").open() as f:
        for row in csv.DictReader(f):
            if row["service"] == "gp_contact" and row["persons"]:
                named[row["municipality_code"]] = named.get(row["municipality_code"], 0) + int(row["persons"])
    with (SEEDS / "municipalities_2024.csv").open() as f:
        codes = [row["municipality_code"] for row in csv.DictReader(f)]
    others = [code for code in codes if code not in named]
    rest = recent_persons - sum(named.values())
    weights = [float(named.get(code, rest / len(others))) for code in codes]
    persons = largest_remainder(weights, TOTAL)
    rows = []
    for index, (code, n) in enumerate(zip(codes, persons, strict=True)):
        months = [1.0] * 12
        # Rotate the months so that a municipality with fewer than 12 persons does not always start in January.
        per_month = largest_remainder(months, n) if n else [0] * 12
        per_month = per_month[-(index % 12):] + per_month[: -(index % 12)] if index % 12 else per_month
        rows += [(code, f"{YEAR}-{month:02d}", k) for month, k in enumerate(per_month, start=1) if k > 0]
    with (SEEDS / "settlement_plan_2025.csv").open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["municipality_code", "settlement_month", "persons"])
        writer.writerows(rows)
    print(f"seeds/settlement_plan_2025.csv: {sum(k for *_, k in rows)} persons in {len(rows)} rows, "
          f"{len({r[0] for r in rows})} municipalities")


if __name__ == "__main__":
    main()
