"""The synthetic generator: exact calibration, determinism, manifest, schemas, irregularities."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from synthetic_registers.allocation import scaled
from synthetic_registers.generate import IRREGULARITIES, generate
from synthetic_registers.reference import GROUPS, Reference

SCALE = 0.01
FILES = ("ssb/persons", "ssb/residence", "kpr/kuhr_regninger", "kpr/kuhr_takster", "kpr/kuhr_diagnoser",
         "kpr/hom_vedtak", "npr/somatikk", "npr/phv", "npr/phbu")
SCHEMAS = {
    "ssb/persons": {"lopenr", "kjonn", "foedselsaar", "foedselsmnd", "fodeland", "igrus2", "inngrunn1",
                    "foerste_bosattdato", "bosettingskommune", "status_20220101", "status_20230101",
                    "status_20240101", "doedsdato", "utvandringsdato"},
    "ssb/residence": {"lopenr", "aargang", "komm_nr"},
    "kpr/kuhr_regninger": {"enkeltregning_lnr", "KPR_lnr", "dato", "klokkeslett", "tjenestetype", "praksistype",
                           "kommuneNr"},
    "kpr/kuhr_takster": {"enkeltregning_lnr", "takstkode", "antall"},
    "kpr/kuhr_diagnoser": {"enkeltregning_lnr", "diagnosekode", "kodeverk", "er_hoveddiagnose"},
    "kpr/hom_vedtak": {"vedtak_lnr", "lopenr", "tjenestekode", "fra_dato", "til_dato"},
    **{f"npr/{s}": {"episode_lnr", "lopenr", "inndato", "utdato", "aktivitetskategori3", "tilstand_1_1",
                    "tilstand_1_2", "tilstand_2_1", "institusjon"} for s in ("somatikk", "phv", "phbu")},
}


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("raw")
    manifest = generate(SCALE, 11, out, quiet=True)
    return out, manifest


def digest(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*.parquet")):
        h.update(str(path.relative_to(directory)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def query(sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(sql).fetchall()


def test_same_scale_and_seed_give_identical_files(extracts: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = extracts
    generate(SCALE, 11, tmp_path / "again", quiet=True)
    assert digest(out) == digest(tmp_path / "again")
    generate(SCALE, 12, tmp_path / "other_seed", quiet=True)
    assert digest(out) != digest(tmp_path / "other_seed")


def test_manifest_matches_the_files(extracts: tuple[Path, dict]) -> None:
    out, _ = extracts
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk["scale"] == SCALE and on_disk["seed"] == 11
    assert set(on_disk["rows"]) == set(FILES)
    for name, rows in on_disk["rows"].items():
        assert query(f"select count(*) from read_parquet('{out}/{name}.parquet')")[0][0] == rows, name
    assert set(on_disk["irregularity_rates"]) == set(IRREGULARITIES)


@pytest.mark.parametrize("name", FILES)
def test_file_schema(extracts: tuple[Path, dict], name: str) -> None:
    out, _ = extracts
    columns = {r[0] for r in query(f"describe select * from read_parquet('{out}/{name}.parquet')")}
    assert columns == SCHEMAS[name]


def test_persons_per_group_are_exact(extracts: tuple[Path, dict]) -> None:
    """The published persons scaled, recomputed from the files with the study's own group rules."""
    out, _ = extracts
    ref = Reference()
    rows = dict(query(f"""
        select case
                   when igrus2 not in ('71', '74') or igrus2 is null then 'general_population'
                   when foerste_bosattdato < date '2022-04-01' then 'refugees_before_2022'
                   when fodeland = '148' then 'ukraine_recent'
                   else 'other_recent'
               end as group_key,
               count(*)
        from read_parquet('{out}/ssb/persons.parquet')
        where kjonn is not null and foedselsmnd is not null
        group by all"""))
    assert rows == {g: scaled(ref.table1[g]["persons"], SCALE) for g in GROUPS}


def test_valid_contacts_per_service_are_exact(extracts: tuple[Path, dict]) -> None:
    _, manifest = extracts
    ref = Reference()
    for service, valid in manifest["valid_contacts"].items():
        assert valid == sum(scaled(ref.table2[service][g], SCALE) for g in GROUPS), service


def test_every_irregularity_is_injected_and_counted(extracts: tuple[Path, dict]) -> None:
    _, manifest = extracts
    for kind in IRREGULARITIES:
        assert sum(manifest["irregularities"][kind].values()) > 0, kind
    assert sum(manifest["irregularities"]["pre_2024_municipality_codes"].values()) > 0


def test_duplicate_and_bare_bill_counts_match_the_files(extracts: tuple[Path, dict]) -> None:
    out, manifest = extracts
    bills = f"read_parquet('{out}/kpr/kuhr_regninger.parquet')"
    duplicates = query(f"select count(*) - (select count(*) from (select distinct * from {bills})) from {bills}")[0][0]
    assert duplicates == manifest["irregularities"]["duplicate_bill_rows"]["kpr/kuhr_regninger"]
    bare = query(f"""select count(distinct b.enkeltregning_lnr) from {bills} as b
                     where b.enkeltregning_lnr not in (
                         select t.enkeltregning_lnr from read_parquet('{out}/kpr/kuhr_takster.parquet') as t)""")[0][0]
    assert bare == manifest["irregularities"]["bills_without_tariff"]["kpr/kuhr_regninger"]


def test_zero_rates_inject_nothing(tmp_path: Path) -> None:
    manifest = generate(0.002, 3, tmp_path, rates={k: 0.0 for k in IRREGULARITIES}, quiet=True)
    assert all(sum(v.values()) == 0 for k, v in manifest["irregularities"].items() if k in IRREGULARITIES)


def test_unknown_irregularity_kind_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown irregularity"):
        generate(0.002, 3, tmp_path, rates={"typo": 0.1}, quiet=True)
