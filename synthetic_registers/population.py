"""The SSB population: persons per group with age, sex, country, settlement and exits.

Every published Table 1 figure is met by construction: persons per group exactly; sex, under-18 and 65+
counts to the person; ages within those bands so that the mean age matches; settlement dates and exits so
that mean follow-up (Table 2) and the V2/V3 municipalities' person-months match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from . import calendar as cal
from .allocation import largest_remainder, scaled, weighted_order
from .reference import GROUPS, Reference

AGES = np.arange(100)
# Norway's population 1 January 2023 by five-year age band (thousands; SSB table 07459, rounded).
NORWAY_2023_MALE = [142, 156, 162, 164, 178, 192, 194, 187, 180, 190, 190, 180, 160, 143, 132, 97, 58, 30, 11, 2]
NORWAY_2023_FEMALE = [134, 148, 154, 155, 168, 181, 183, 176, 170, 180, 182, 174, 157, 145, 139, 109, 73, 46, 23, 6]

# Relative age profiles of the refugee groups (weights per five-year band, ages 0-99): the tilt in
# `calibrate_ages` then meets the published shares exactly; the profile only sets the shape.
REFUGEE_PROFILES = {
    # Many children and women 25-49; men of military age largely absent (Ukraine's exit rules).
    "ukraine_recent": (
        [60, 62, 58, 45, 18, 16, 18, 18, 16, 14, 14, 13, 12, 8, 5, 3, 2, 1, 0.3, 0.1],
        [58, 60, 56, 44, 36, 44, 52, 52, 44, 34, 30, 26, 20, 12, 8, 5, 3, 1.5, 0.5, 0.1],
    ),
    "other_recent": (
        [55, 52, 48, 48, 55, 48, 36, 26, 18, 13, 10, 8, 7, 7, 5, 3, 2, 1, 0.3, 0.1],
        [52, 50, 46, 42, 46, 42, 34, 24, 17, 13, 10, 9, 8, 8, 6, 4, 2, 1, 0.3, 0.1],
    ),
    # Age in 2023 of refugees settled before April 2022.
    # Age 0-1 is impossible for refugees settled before April 2022 and counted by age in 2023.
    "refugees_before_2022": (
        [4, 8, 14, 22, 40, 60, 66, 60, 52, 44, 36, 26, 18, 12, 8, 5, 3, 1, 0.3, 0.1],
        [4, 8, 13, 18, 30, 44, 50, 48, 44, 38, 32, 24, 17, 12, 8, 5, 3, 1.5, 0.5, 0.1],
    ),
}

# Settlement month profile for the recent groups, April 2022 .. December 2023 (21 months).
SETTLEMENT_MONTH_WEIGHTS = {
    # Peak in May-June 2022.
    "ukraine_recent": [4, 9, 9, 6.5, 5.5, 5, 4.6, 4.4, 4.2, 3.8, 3.8, 4.2, 4.2, 4.2, 4.2, 3.9, 3.9, 3.9, 3.8, 3.6, 3.4],
    "other_recent": [3.0, 3.6, 3.8, 4.0, 4.0, 4.2, 4.2, 4.2, 4.4, 5.2,
                     5.2, 5.4, 5.4, 5.2, 5.2, 5.0, 4.8, 4.6, 4.4, 4.2, 4.0],
}
# Ukrainian men were fewer among the first arrivals: women were more than twice the men in spring 2022.
UKRAINE_MALE_MONTH_FACTOR = [0.42, 0.42, 0.45, 0.6, 0.75, 0.85, 0.9, 0.95] + [1.0] * 13

# Refugees settled before April 2022: settlement year weights 1975..2022 (Vietnam, Bosnia, Kosovo,
# Somalia and Eritrea, Syria in 2015-2017).
BEFORE_2022_YEARS = np.arange(1975, 2023)
BEFORE_2022_YEAR_WEIGHTS = np.array(
    [2, 2, 3, 4, 6, 6, 6, 6, 6, 6, 6, 7, 9, 10, 9, 7, 7, 10, 16, 14, 10, 8, 8, 10, 14, 10, 10, 11, 11, 10,
     10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 24, 30, 30, 24, 14, 10, 9, 3], dtype=np.float64)

# Non-refugee immigrants in the general population: share of the group and countries of birth.
GENERAL_IMMIGRANT_SHARE = 0.15
# (SSB country codes as in seeds/countries.csv; weights roughly follow Norway's immigrant population,
# including Ukrainian-born persons who are not refugees.)
GENERAL_IMMIGRANT_COUNTRIES = {
    "131": 18, "136": 7, "106": 6, "144": 5, "428": 4, "101": 3, "568": 3, "534": 3, "133": 3, "148": 2,
    "139": 2, "113": 2, "103": 2, "124": 2, "105": 2, "684": 2, "444": 2, "484": 1, "137": 2, "115": 1,
}
OTHER_REFUGEE_COUNTRIES = ["452", "456", "346", "246", "356", "990", "424", "575", "980", "534"]

IGRUS2_REFUGEE = ("71", "74")
# Share of each refugee group who are family reunified with a refugee (Igrus2 74); the rest are refugees
# themselves (71). Assumptions, not published figures (the report does not split its groups by reason):
# - ukraine_recent: few, because every Ukrainian under collective protection has protection in their own
#   right, so family members come as refugees rather than by family reunification;
# - other_recent and refugees_before_2022: about a fifth to a quarter, the order of magnitude of SSB's
#   statistics on persons with a refugee background, where family members reunified with refugees are a
#   large minority (unconfirmed for these exact groups and years).
# The warehouse reads whatever the file holds; nothing in the models depends on these shares.
FAMILY_REUNIFIED_SHARE = {"ukraine_recent": 0.03, "other_recent": 0.25, "refugees_before_2022": 0.22}
# Igrus2 codes for everyone else; the full list is not public (REGISTER_FORMATS.md), so these are
# stand-ins the warehouse must treat as "not refugee".
IGRUS2_OTHER_IMMIGRANT = ("11", "21", "31", "41", "75")


def five_year_to_single(weights: Sequence[float]) -> np.ndarray:
    return np.repeat(np.asarray(weights, dtype=np.float64) / 5.0, 5)


def calibrate_ages(n: int, base_m: np.ndarray, base_f: np.ndarray,
                   targets: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Counts by (sex, single age) meeting Table 1's shares: % male, % under 18, % 65+, mean age.

    The base profile is tilted (exponential family in the three age constraints) so that its shares are
    the published ones, then rounded hierarchically: sex totals, then band totals, then single ages.
    Returns (counts_male, counts_female) over AGES.
    """
    n_male = int(np.floor(n * targets["pct_male"] / 100 + 0.5))
    u18, o65 = (AGES < 18).astype(float), (AGES >= 65).astype(float)
    share_m = n_male / n

    def tilted(lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        factor = np.exp(lam[0] * u18 + lam[1] * o65 + lam[2] * (AGES - 40) / 10)
        pm, pf = base_m * factor, base_f * factor
        return pm / pm.sum() * share_m, pf / pf.sum() * (1 - share_m)

    def residual(lam: np.ndarray) -> np.ndarray:
        pm, pf = tilted(lam)
        p = pm + pf
        return np.array([
            (p * u18).sum() - targets["pct_under_18"] / 100,
            (p * o65).sum() - targets["pct_over_65"] / 100,
            (p * AGES).sum() - targets["mean_age_years"],
        ])

    solution = optimize.root(residual, np.zeros(3), method="hybr")
    if not solution.success or np.abs(residual(solution.x)).max() > 1e-6:
        raise RuntimeError(f"age calibration failed: {solution.message}")
    pm, pf = tilted(solution.x)
    bands = [AGES < 18, (AGES >= 18) & (AGES < 65), AGES >= 65]
    band_total = largest_remainder(np.array([(pm + pf)[b].sum() for b in bands]), n)
    male_band = largest_remainder(np.array([pm[b].sum() for b in bands]), n_male)
    counts_m, counts_f = np.zeros(len(AGES), np.int64), np.zeros(len(AGES), np.int64)
    for b, total, males in zip(bands, band_total, male_band, strict=True):
        counts_m[b] = largest_remainder(pm[b], int(males))
        counts_f[b] = largest_remainder(pf[b], int(total - males))
    return counts_m, counts_f


@dataclass
class Persons:
    """One entry per person of the study population, arrays aligned by position."""

    group: np.ndarray  # int8 index into GROUPS
    sex: np.ndarray  # 1 male, 2 female
    age: np.ndarray  # report age: at settlement (recent groups) or in 2023 (others)
    birth_year: np.ndarray
    birth_month: np.ndarray
    country: np.ndarray  # 3-digit SSB code (str)
    igrus2: np.ndarray  # str or None
    settlement_day: np.ndarray  # day number, -1 when none
    municipality: np.ndarray  # index into Reference.municipalities (settlement or home municipality)
    exit_day: np.ndarray  # day of death or emigration, -1 when none before 2024
    exit_kind: np.ndarray  # 0 none, 1 death, 2 emigration
    start_day: np.ndarray = field(init=False)
    end_day: np.ndarray = field(init=False)
    person_months: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.refresh_follow_up()

    def refresh_follow_up(self) -> None:
        birth_day = cal.month_start((self.birth_year - 1970) * 12 + self.birth_month - 1)
        recent = self.group < 2
        start = np.maximum(cal.INCLUSION_START, birth_day)
        start = np.where(recent, np.maximum(start, self.settlement_day), start)
        end = np.where(self.exit_day >= 0, np.minimum(self.exit_day, cal.INCLUSION_END), cal.INCLUSION_END)
        self.start_day, self.end_day = start, end
        self.person_months = cal.person_months(start, end)

    def __len__(self) -> int:
        return len(self.group)


def municipality_weights(ref: Reference) -> np.ndarray:
    """A size proxy for spreading persons over all 357 municipalities: the report's municipalities weigh by
    their settled refugees, the rest share a small equal weight (no population sizes are published)."""
    codes = [m["municipality_code"] for m in ref.municipalities]
    weight = np.full(len(codes), 60.0)
    for row in ref.municipality_cells:
        if row["service"] == "gp_contact" and row["group"] == "ukraine_recent":
            weight[codes.index(row["municipality_code"])] = 8.0 * float(row["persons"])
    return weight


class PopulationBuilder:
    def __init__(self, ref: Reference, scale: float, rng: np.random.Generator) -> None:
        self.ref, self.scale, self.rng = ref, scale, rng
        self.codes = [m["municipality_code"] for m in ref.municipalities]
        self.code_index = {c: i for i, c in enumerate(self.codes)}

    # --- ages and sexes -------------------------------------------------------------------------
    def ages_and_sexes(self, group: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        if group == "general_population":
            base_m, base_f = five_year_to_single(NORWAY_2023_MALE), five_year_to_single(NORWAY_2023_FEMALE)
        else:
            prof_m, prof_f = REFUGEE_PROFILES[group]
            base_m, base_f = five_year_to_single(prof_m), five_year_to_single(prof_f)
            if group == "refugees_before_2022":
                base_m[:2] = base_f[:2] = 0.0
        counts_m, counts_f = calibrate_ages(n, base_m, base_f, self.ref.table1[group])
        sex = np.concatenate([np.full(counts_m.sum(), 1), np.full(counts_f.sum(), 2)]).astype(np.int8)
        age = np.concatenate([np.repeat(AGES, counts_m), np.repeat(AGES, counts_f)]).astype(np.int16)
        order = self.rng.permutation(n)
        return sex[order], age[order]

    # --- countries ------------------------------------------------------------------------------
    def countries(self, group: str, n: int) -> np.ndarray:
        if group == "ukraine_recent":
            return np.full(n, "148", dtype=object)
        if group == "general_population":
            out = np.full(n, "000", dtype=object)
            immigrant = self.rng.random(n) < GENERAL_IMMIGRANT_SHARE
            codes = [c for c, w in GENERAL_IMMIGRANT_COUNTRIES.items() if w > 0]
            weights = np.array([GENERAL_IMMIGRANT_COUNTRIES[c] for c in codes], dtype=float)
            out[immigrant] = np.array(codes, dtype=object)[
                self.rng.choice(len(codes), size=int(immigrant.sum()), p=weights / weights.sum())]
            return out
        country_code = {r["country_name_en"]: r["country_code"] for r in _countries()}
        listed = [r for r in self.ref.countries_of_birth if r["group"] == group]
        counts = [scaled(float(r["persons"]), self.scale) for r in listed]
        missing = [r["country"] for r in listed if r["country"] not in country_code]
        if missing:
            raise ValueError(f"seeds/countries.csv lacks countries named in the reference: {missing}")
        rest = n - sum(counts)
        if rest < 0:
            raise ValueError(f"{group}: countries of birth exceed the group's persons")
        codes = [country_code[r["country"]] for r in listed]
        # The rest are born in countries the reference does not list for this group: a listed country's
        # persons are its published count exactly (drawing the rest from it too put Somalia above Syria).
        others = np.array([c for c in OTHER_REFUGEE_COUNTRIES if c not in codes], dtype=object)
        out = np.concatenate([np.full(c, code, dtype=object) for c, code in zip(counts, codes, strict=True)]
                             + [others[self.rng.integers(0, len(others), rest)]])
        return out[self.rng.permutation(n)]

    # --- municipalities -------------------------------------------------------------------------
    def recent_municipalities(self, group: str, n: int) -> tuple[np.ndarray, dict[int, float]]:
        """Settlement municipality per person: the report's cells exactly, the rest elsewhere.

        Returns the municipality index per person and the target mean follow-up months per listed
        municipality (the middle of the interval that reproduces both printed V2 and V3 rates)."""
        cells = [r for r in self.ref.municipality_cells if r["group"] == group]
        persons: dict[str, int] = {}
        interval: dict[str, list[float]] = {}
        for r in cells:
            persons[r["municipality_code"]] = int(r["persons"])
            if r["contacts"] and r["adjusted_contacts_per_person_year"]:
                c, rate = float(r["contacts"]), float(r["adjusted_contacts_per_person_year"])
                lo, hi = 12 * c / (rate + 0.1), (12 * c / (rate - 0.1) if rate > 0.1 else np.inf)
                cur = interval.setdefault(r["municipality_code"], [0.0, np.inf])
                cur[0], cur[1] = max(cur[0], lo), min(cur[1], hi)
        listed = list(persons)
        listed_n = np.array([scaled(persons[c], self.scale) for c in listed])
        rest = n - int(listed_n.sum())
        weight = municipality_weights(self.ref)
        others = np.array([i for i, c in enumerate(self.codes) if c not in persons])
        # Outside the report's list no municipality may reach 200 settled Ukrainians (scaled).
        cap = max(1, int(np.floor(199 * self.scale))) if group == "ukraine_recent" else rest
        other_n = largest_remainder(weight[others], rest)
        for _ in range(50):
            over = other_n > cap
            if not over.any():
                break
            excess = int((other_n[over] - cap).sum())
            other_n[over] = cap
            room = np.where(other_n < cap, weight[others], 0.0)
            other_n += largest_remainder(room, excess)
        municipality = np.concatenate(
            [np.full(k, self.code_index[c]) for k, c in zip(listed_n, listed, strict=True)]
            + [np.repeat(others, other_n)]).astype(np.int16)
        targets = {self.code_index[c]: (lo + hi) / 2 / persons[c] for c, (lo, hi) in interval.items()}
        return municipality, targets

    # --- settlement and exits of the recent groups ---------------------------------------------
    def settle_recent(self, group: str, sex: np.ndarray, municipality: np.ndarray, targets: dict[int, float],
                      exits: np.ndarray, exit_kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(sex)
        month0 = cal.month_index(np.array([cal.INCLUSION_START]))[0]
        weights = np.array(SETTLEMENT_MONTH_WEIGHTS[group])
        months = np.empty(n, np.int64)
        for s in (1, 2):
            w = weights * (np.array(UKRAINE_MALE_MONTH_FACTOR) if (group == "ukraine_recent" and s == 1) else 1)
            idx = np.flatnonzero(sex == s)
            # Stratified draws: the group's monthly pattern holds to the person at every scale.
            months[idx] = month0 + np.repeat(np.arange(21),
                                             largest_remainder(w, len(idx)))[self.rng.permutation(len(idx))]
        starts = cal.month_start(months)
        day = starts + (self.rng.random(n) * cal.days_in_month(months)).astype(np.int64)
        # Exits are offsets from settlement so that moving a settlement date keeps its exit behind it.
        exit_offset = np.where(exits >= 0, exits, -1)
        target_mean = self.ref.table2["mean_followup_months"][group]
        cell_target = np.array([targets.get(int(m), np.nan) for m in municipality])
        listed = ~np.isnan(cell_target)
        total_target = target_mean * n
        rest_target = (total_target - np.nansum(cell_target)) / max(1, (~listed).sum())
        cell_target[~listed] = rest_target
        # Match within sex: persons in municipalities with long targets get the early dates.
        for s in (1, 2):
            idx = np.flatnonzero(sex == s)
            key = cell_target[idx] + self.rng.normal(0, 3.0, len(idx))
            day[idx[np.argsort(-key, kind="stable")]] = np.sort(day[idx])
        # Then shift each cell's dates until its person-months meet the target.
        cells = np.where(listed, municipality, -1)
        for cell in np.unique(cells):
            idx = np.flatnonzero(cells == cell)
            goal = cell_target[idx].sum()
            for _ in range(30):
                pm = self._recent_pm(day[idx], exit_offset[idx])
                gap = goal - pm.sum()
                if abs(gap) < max(0.05, 0.002 * goal):
                    break
                shift = gap / len(idx) * 30.4375
                step = np.floor(shift + self.rng.random(len(idx))).astype(np.int64)
                day[idx] = np.clip(day[idx] - step, cal.INCLUSION_START, cal.INCLUSION_END)
        exit_day = np.where(exit_offset >= 0, day + exit_offset, -1)
        return day, exit_day

    @staticmethod
    def _recent_pm(day: np.ndarray, exit_offset: np.ndarray) -> np.ndarray:
        end = np.where(exit_offset >= 0, np.minimum(day + exit_offset, cal.INCLUSION_END), cal.INCLUSION_END)
        return cal.person_months(day, end)

    # --- exits for the two settled groups -------------------------------------------------------
    def exits_to_target(self, start: np.ndarray, age: np.ndarray, target_mean: float) -> tuple[np.ndarray, np.ndarray]:
        """Deaths and emigrations, drawn in a random age-weighted order until the group's mean follow-up
        falls to the published value (to well under 0.01 months at any scale above a few hundred)."""
        n = len(start)
        pm0 = cal.person_months(start, np.full(n, cal.INCLUSION_END))
        need = pm0.sum() - target_mean * n
        death_weight = np.exp((age.astype(float) - 80) / 10)
        emigration_weight = np.where((age >= 18) & (age < 45), 1.0, 0.25) * 0.02
        weight = death_weight + emigration_weight
        order = weighted_order(self.rng, weight)
        lo = np.maximum(start, cal.day("2022-01-01"))
        exit_day = lo + (self.rng.random(n) * (cal.INCLUSION_END - lo + 1)).astype(np.int64)
        loss = pm0 - cal.person_months(start, np.maximum(exit_day, start) - 1) * (exit_day > start)
        loss = np.where(exit_day <= start, pm0, loss)
        cum = np.cumsum(loss[order])
        k = int(np.searchsorted(cum, need)) + (1 if need > 0 else 0)
        chosen = np.zeros(n, bool)
        chosen[order[:max(0, k)]] = True
        kind = np.where(chosen, np.where(self.rng.random(n) < death_weight / weight, 1, 2), 0).astype(np.int8)
        return np.where(chosen, exit_day, -1), kind

    def immigration_reasons(self, group: str, n: int) -> np.ndarray:
        """Igrus2 of a refugee group's persons: 74 (family reunified) with FAMILY_REUNIFIED_SHARE, else 71."""
        reunified = self.rng.random(n) < FAMILY_REUNIFIED_SHARE[group]
        return np.where(reunified, "74", "71").astype(object)

    # --- the whole population -------------------------------------------------------------------
    def build(self) -> Persons:
        parts: dict[str, list[np.ndarray]] = {k: [] for k in (
            "group", "sex", "age", "birth_year", "birth_month", "country", "igrus2", "settlement_day",
            "municipality", "exit_day", "exit_kind")}
        weight = municipality_weights(self.ref)
        for gi, group in enumerate(GROUPS):
            n = scaled(self.ref.table1[group]["persons"], self.scale)
            sex, age = self.ages_and_sexes(group, n)
            country = self.countries(group, n)
            birth_month = self.rng.integers(1, 13, n)
            if group in ("ukraine_recent", "other_recent"):
                municipality, targets = self.recent_municipalities(group, n)
                municipality = municipality[self.rng.permutation(n)]
                rate = 0.035 if group == "ukraine_recent" else 0.015
                emigrates = self.rng.random(n) < rate
                offset = np.where(emigrates, self.rng.integers(20, 600, n), -1)
                kind = np.where(emigrates, np.where(age >= 70, 1, 2), 0).astype(np.int8)
                settlement, exit_day = self.settle_recent(group, sex, municipality, targets, offset, kind)
                kind = np.where((exit_day >= 0) & (exit_day <= cal.INCLUSION_END), kind, 0).astype(np.int8)
                exit_day = np.where(kind > 0, exit_day, -1)
                sy, sm = cal.year_month(settlement)
                birth_year = sy - age - (sm < birth_month)
                igrus2 = self.immigration_reasons(group, n)
            else:
                birth_year = 2023 - age.astype(np.int64)
                # Nobody is born after the end of the study; 2023 births are spread over the year.
                if group == "refugees_before_2022":
                    settlement = self._settled_before_2022(birth_year, birth_month)
                    igrus2 = self.immigration_reasons(group, n)
                    municipality = self.rng.choice(len(weight), size=n, p=weight / weight.sum()).astype(np.int16)
                else:
                    settlement = np.full(n, -1, np.int64)
                    igrus2 = np.where(country == "000", np.full(n, None, dtype=object),
                                      np.array(IGRUS2_OTHER_IMMIGRANT, dtype=object)[
                                          self.rng.integers(0, len(IGRUS2_OTHER_IMMIGRANT), n)]).astype(object)
                    municipality = self.rng.choice(len(weight), size=n, p=weight / weight.sum()).astype(np.int16)
                birth_day = cal.month_start((birth_year - 1970) * 12 + birth_month - 1)
                start = np.maximum(cal.INCLUSION_START, birth_day)
                exit_day, kind = self.exits_to_target(start, age, self.ref.table2["mean_followup_months"][group])
            for key, value in (("group", np.full(n, gi, np.int8)), ("sex", sex), ("age", age),
                               ("birth_year", birth_year.astype(np.int16)),
                               ("birth_month", birth_month.astype(np.int8)),
                               ("country", country), ("igrus2", igrus2),
                               ("settlement_day", settlement.astype(np.int64)),
                               ("municipality", municipality), ("exit_day", exit_day.astype(np.int64)),
                               ("exit_kind", kind)):
                parts[key].append(value)
        return Persons(**{k: np.concatenate(v) for k, v in parts.items()})

    def _settled_before_2022(self, birth_year: np.ndarray, birth_month: np.ndarray) -> np.ndarray:
        """Settlement dates before April 2022, never before birth, tilted so that the mean years since
        settlement (2024 minus the settlement year) meets Table 1."""
        target = self.ref.table1["refugees_before_2022"]["mean_years_since_settlement"]
        years = BEFORE_2022_YEARS
        u = self.rng.random(len(birth_year))

        def draw(theta: float) -> np.ndarray:
            w = BEFORE_2022_YEAR_WEIGHTS * np.exp(theta * (years - 2005) / 10)
            cdf = np.concatenate([[0.0], np.cumsum(w) / w.sum()])
            first = np.clip(birth_year - years[0], 0, len(years) - 1)
            lo = cdf[first]
            return years[np.minimum(np.searchsorted(cdf, lo + u * (1 - lo), side="right") - 1, len(years) - 1)]

        theta = optimize.brentq(lambda t: (2024 - draw(t)).mean() - target, -5, 5, xtol=1e-6)
        year = draw(theta)
        # Jan-Mar in 2022 (before the window), any month otherwise, never before the birth month.
        month = np.where(year == 2022, self.rng.integers(1, 4, len(year)), self.rng.integers(1, 13, len(year)))
        month = np.where((year == birth_year) & (month < birth_month), birth_month, month)
        month = np.where(year == 2022, np.minimum(month, 3), month)
        month_idx = (year - 1970) * 12 + month - 1
        return cal.month_start(month_idx) + (self.rng.random(len(year)) * cal.days_in_month(month_idx)).astype(np.int64)


def _countries() -> list[dict[str, str]]:
    from .reference import read_csv

    return read_csv("countries.csv")
