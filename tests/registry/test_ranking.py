"""Rankings over the real EU ETS files, checked against an independent pandas computation."""

import csv
import io
import json

import pandas as pd
import pytest
from django.core.management import call_command

from maatwerk.registry.demo_data import DEMO
from maatwerk.registry.mapping import load_company_mapping
from maatwerk.registry.selectors import rank_emitters
from maatwerk.registry.services import import_eutl_files

from ..conftest import eutl_file

COUNTRIES = ("NL", "BE", "DK")

# The tests read the database the module fixture fills; the marker makes pytest-django create the test
# database even when this module runs alone (without it the fixture wrote to the real database file).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def registry(django_db_setup, django_db_blocker):
    """Import several countries once for this module (rolled back afterwards)."""
    paths = {c: eutl_file(c) for c in COUNTRIES}
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            import_eutl_files(paths.values())
            load_company_mapping((DEMO / "mapping.csv").read_bytes(), "mapping.csv")
            yield paths
            transaction.set_rollback(True)


def frame(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df[df["MainActivityTypeCode"].str.strip() != "10"].copy()
    df["holder"] = df["AccountHolderName"].str.strip()
    return df


def expected(df: pd.DataFrame, year: int, key: str) -> dict:
    emissions = pd.to_numeric(df[f"VerifiedEmissions_{year}"], errors="coerce")  # markers become NaN
    sub = df.assign(v=emissions).dropna(subset=["v"])
    grouped = sub.groupby(key)["v"].agg(["sum", "count"])
    return {name: (int(row["sum"]), int(row["count"])) for name, row in grouped.iterrows()}


def actual(ranking, key=lambda r: r.name) -> dict:
    return {key(r): (r.verified_emissions_t, r.installations) for r in ranking}


@pytest.mark.eutl
@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("year", [2008, 2015, 2020, 2022])
def test_installation_and_account_holder_rankings_match_pandas(registry, country, year):
    df = frame(registry[country])
    by_inst = rank_emitters(year=year, country=country, by="installation", top=None)
    assert actual(by_inst, key=lambda r: r.eutl_id) == expected(df, year, "id")
    by_holder = rank_emitters(year=year, country=country, by="account-holder", top=None)
    assert actual(by_holder) == expected(df, year, "holder")
    totals = [r.verified_emissions_t for r in by_holder]
    assert totals == sorted(totals, reverse=True)
    assert [r.rank for r in by_holder] == list(range(1, len(by_holder) + 1))


@pytest.mark.eutl
@pytest.mark.parametrize("year", [2013, 2019, 2022])
def test_company_ranking_follows_the_mapping(registry, year):
    mapping = list(csv.DictReader(io.StringIO((DEMO / "mapping.csv").read_text(encoding="utf-8"))))
    by_holder = {m["account_holder"]: m["company"] for m in mapping if m["account_holder"]}
    by_installation = {m["installation"]: m["company"] for m in mapping if m["installation"]}
    df = frame(registry["NL"])
    df["company"] = [
        by_installation.get(i) or by_holder.get(h) or h for i, h in zip(df["id"], df["holder"])
    ]
    ranking = rank_emitters(year=year, country="NL", by="company", top=None)
    assert actual(ranking) == expected(df, year, "company")
    top20 = rank_emitters(year=year, country="NL", by="company", top=20)
    assert [r.verified_emissions_t for r in top20] == [r.verified_emissions_t for r in ranking[:20]]


@pytest.mark.eutl
def test_sector_filter_and_aviation(registry):
    industry = rank_emitters(year=2022, country="NL", by="company", top=None, sector="industry")
    names = {r.name for r in industry}
    # Tata Steel's installations are in no mapping row (its company comes from its case file), so it
    # ranks under its account holder, an industry by its activity (production of pig iron or steel)
    assert "Tata Steel IJmuiden B.V." in names and "RWE" not in names
    power = {r.name for r in rank_emitters(year=2022, country="NL", by="company", top=None, sector="power")}
    assert {"RWE", "Vattenfall", "Uniper"} <= power
    aviation = rank_emitters(year=2022, country="NL", by="installation", top=None, sector="aviation")
    assert aviation == []  # aviation is always left out


@pytest.mark.eutl
def test_emitters_command_json_and_csv(registry, capsys):
    call_command("emitters", "--country", "BE", "--year", "2020", "--by", "installation", "--top", "5", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    exp = expected(frame(registry["BE"]), 2020, "id")
    top5 = sorted(exp.items(), key=lambda kv: -kv[1][0])[:5]
    assert [d["id"] for d in data] == [k for k, _ in top5]
    assert [d["verified_emissions_t"] for d in data] == [v[0] for _, v in top5]
    assert all(isinstance(d["verified_emissions_t"], int) and d["installations"] == 1 for d in data)
    assert [d["rank"] for d in data] == [1, 2, 3, 4, 5]
    call_command("emitters", "--country", "NL", "--year", "2022", "--top", "3", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3 and {"rank", "name", "verified_emissions_t", "installations"} <= set(rows[0])
