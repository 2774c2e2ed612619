"""The demo through case files (issue 13 §8): each company's EoP, JLoI and binding figures as separate
dated records from their sources, read in through the import; the register as of a date gives what
the documents of that date said (DOMAIN.md §6, §4)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from maatwerk.casefiles.demo_data import case_files
from maatwerk.casefiles.exporter import export_case, normalise
from maatwerk.figures.selectors import current
from maatwerk.registry.models import Company
from maatwerk.trajectories.models import Document, Event

D = dt.date


def held(company_name: str, quantity: str, day: dt.date, audience: str = "internal"):
    company = Company.objects.get(name=company_name)
    found = [f for (c, _p, q), f in current(as_of=day, audience=audience, companies=[company]).items() if q == quantity]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_cosun_jloi_figures_hold_until_the_binding_agreement(demo, audience):
    co2, support = (held("Royal Cosun", q, D(2025, 6, 30), audience) for q in ("co2_reduction_t_per_year", "support_max_eur"))
    assert (co2.low, co2.qualifier) == (260_000, "exact")
    assert (support.low, support.high, support.qualifier) == (None, 105_000_000, "at_most")
    assert co2.source.title == "Joint Letter of Intent Royal Cosun" and co2.valid_from == D(2025, 6, 23)
    # the day before the binding agreement, still the JLoI's
    assert held("Royal Cosun", "co2_reduction_t_per_year", D(2025, 12, 17), audience).low == 260_000
    co2, support = (held("Royal Cosun", q, D(2025, 12, 18), audience) for q in ("co2_reduction_t_per_year", "support_max_eur"))
    assert (co2.low, co2.year, co2.base_period) == (167_000, 2030, "2018-2021")
    assert support.high == 73_000_000
    assert held("Royal Cosun", "nox_reduction_t_per_year", D(2025, 12, 18), audience).low == 44
    assert held("Royal Cosun", "nh3_reduction_t_per_year", D(2025, 12, 18), audience).low == 42
    # before the JLoI, no figure at all
    assert held("Royal Cosun", "co2_reduction_t_per_year", D(2025, 6, 22), audience) is None


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_tata_two_billion_from_29_september_2025_not_before(demo, audience):
    assert held("Tata Steel Nederland", "support_max_eur", D(2025, 9, 28), audience) is None
    assert held("Tata Steel Nederland", "support_max_eur", D(2023, 6, 30), audience) is None
    support = held("Tata Steel Nederland", "support_max_eur", D(2025, 9, 29), audience)
    assert (support.high, support.qualifier) == (2_000_000_000, "at_most")
    # the EoP's 5 Mt holds from the EoP (2021, its day unknown: the last day of 2021)
    assert held("Tata Steel Nederland", "co2_reduction_t_per_year", D(2021, 12, 30), audience) is None
    assert held("Tata Steel Nederland", "co2_reduction_t_per_year", D(2021, 12, 31), audience).low == 5_000_000


def test_alco_range_nobian_bounds_and_anqore_seed_figures(demo):
    alco = held("Alco Energy Rotterdam", "co2_reduction_t_per_year", D(2026, 3, 11))
    assert (alco.low, alco.high, alco.qualifier, alco.base_period) == (224_000, 263_000, "range", "2021")
    assert held("Alco Energy Rotterdam", "electric_capacity_mw", D(2026, 3, 11)).low == 45
    assert held("Alco Energy Rotterdam", "gas_reduction_m3_per_year", D(2026, 3, 11)).low == 100_000_000
    jloi = held("Nobian", "co2_reduction_t_per_year", D(2024, 12, 18))
    binding = held("Nobian", "co2_reduction_t_per_year", D(2024, 12, 19))
    assert (jloi.low, jloi.qualifier) == (600_000, "more_than") and (binding.low, binding.qualifier, binding.year) == (500_000, "more_than", 2030)
    assert held("Nobian", "investment_eur", D(2024, 12, 19)).low == 645_000_000
    assert held("Nobian", "support_max_eur", D(2024, 12, 19)).high == 185_000_000
    anqore = {q: held("AnQore", q, D(2025, 7, 8)) for q in ("co2_reduction_t_per_year", "additional_reduction_t_per_year",
                                                            "investment_eur", "support_max_eur", "nox_reduction_t_per_year")}
    assert (anqore["co2_reduction_t_per_year"].low, anqore["co2_reduction_t_per_year"].qualifier) == (365_000, "at_least")
    assert anqore["additional_reduction_t_per_year"].low == 101_000
    assert anqore["investment_eur"].low == 122_000_000 and anqore["support_max_eur"].high == 46_000_000
    assert anqore["nox_reduction_t_per_year"].low == 100


def test_anqore_public_figures_wait_for_the_letter_of_july(demo):
    """The Kamerbrief of July 2025 is dated by month only: public from its last possible day."""
    assert held("AnQore", "support_max_eur", D(2025, 7, 8), "public") is None
    assert held("AnQore", "support_max_eur", D(2025, 7, 31), "public").high == 46_000_000


def phases(day: str) -> dict:
    out = io.StringIO()
    call_command("trajectories", as_of=day, format="json", stdout=out)
    return {row["company"]: row["phase"] for row in json.loads(out.getvalue())}


def test_the_demo_histories_keep_their_dates(demo):
    before, after = phases("2025-06-29"), phases("2025-06-30")
    assert before["Dow Benelux"] == before["Shell Nederland"] == "eop_signed"
    assert after["Dow Benelux"] == after["Shell Nederland"] == "withdrawn"
    for name in ("BP", "ExxonMobil", "Air Liquide", "Air Products", "LyondellBasell"):
        assert (before[name], after[name]) == ("exploration", "withdrawn")
    assert phases("2025-01-16")["AVR"] == "paused" and phases("2025-01-17")["AVR"] == "exploration"
    assert phases("2025-06-23")["Royal Cosun"] == "jloi_signed" and phases("2025-12-18")["Royal Cosun"] == "binding_agreement"
    assert phases("2024-12-19")["Nobian"] == "binding_agreement"
    assert phases("2025-07-08")["AnQore"] == "jloi_signed"


def test_no_demo_shortcut_and_no_internal_file_as_a_source(demo):
    assert not Event.objects.filter(payload__historical=True).exists()
    # every transition of the demo that passed a gate the public record does not satisfy says so
    assert Event.objects.filter(kind="gate_exception").exists()
    shown = list(Document.objects.values_list("title", "reference", "source")) + list(Event.objects.values_list("note", "source"))
    assert not [row for row in shown if any("DOMAIN" in (v or "") or "seed" in (v or "").lower() for v in row)]


def test_the_anqore_amvi_advice_keeps_its_items(demo):
    from maatwerk.trajectories.models import AmviAdvice

    advice = AmviAdvice.objects.get(trajectory__company__name="AnQore")
    assert advice.advice_date == D(2025, 6, 23) and advice.concept_submitted_on == D(2025, 5, 8)
    assert [i.kind for i in advice.items.order_by("pk")] == ["condition", "advice", "advice", "consideration"]


def test_export_of_every_demo_company_gives_its_case_file_back(demo):
    for name, case in case_files():
        company = Company.objects.get(name=case["company"]["name"])
        assert normalise(export_case(company)) == normalise(case), name


def test_loading_the_demo_again_changes_nothing(demo):
    from maatwerk.figures.models import Figure

    before = (Event.objects.count(), Document.objects.count(), Figure.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Event.objects.count(), Document.objects.count(), Figure.objects.count()) == before
