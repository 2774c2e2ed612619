"""Programme totals, budgets, conversion rates, outlook and monitoring over the demo."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maatwerk.finance.models import Project
from maatwerk.finance.services import evaluate
from maatwerk.programme import services
from maatwerk.programme.models import EmissionReport, Milestone, OutlookAssumptions
from maatwerk.trajectories.services import state_as_of

PHASES = {
    "ambition": {"eop_signed", "jloi_concept", "amvi_advice"},
    "jloi": {"jloi_signed"},
    "binding": {"binding_agreement"},
    "realised": {"realisation", "completed"},
}


def test_totals_equal_the_sum_over_projects(demo):
    t = services.totals()
    for code, phases in PHASES.items():
        members = [p for p in Project.objects.all() if state_as_of(p.trajectory).phase in phases]
        sums = t.by_category[code]["sums"]
        assert sums["co2_reduction_t"] == sum(p.co2_reduction_t or 0 for p in members)
        assert sums["support_max_eur"] == sum(p.support_max_eur or 0 for p in members)
        # the published figure where the agreement gives one, else the levy computation (the outlook's rule)
        expected = sum(p.additional_reduction_public_t if p.additional_reduction_public_t is not None else (evaluate(p).additional_target_t or 0) for p in members)
        assert sums["additional_t"] == pytest.approx(expected)
        assert {r.project.pk for r in t.by_category[code]["projects"]} == {p.pk for p in members}
    assert "Nobian" in t.companies_by_phase["Bindende maatwerkafspraak"]


def test_totals_as_of_a_past_date(demo):
    before = services.totals(dt.date(2024, 12, 18)).by_category
    after = services.totals(dt.date(2024, 12, 19)).by_category
    nobian = Project.objects.get(trajectory__company__name="Nobian")
    assert nobian in [r.project for r in before["jloi"]["projects"]]
    assert nobian in [r.project for r in after["binding"]["projects"]]


def test_budget_use(demo):
    """The dashboard's budget use reads the budget stages as of the totals' date, not the projects' maximum support."""
    from .budget_demo import record

    assert all(b["claimed_eur"] == 0 for b in services.budget_use(services.totals()))  # no stages recorded: nothing claimed
    record()
    use = {b["budget"].name: b for b in services.budget_use(services.totals(dt.date(2025, 6, 30)))}
    fund = use["Klimaatfonds: reservering verduurzaming industrie (indicatief)"]
    # Nobian's binding 185 M and Yara's grant of 30 M committed; Cosun's JLoI maximum of 105 M only reserved
    assert (fund["committed_eur"], fund["reserved_eur"]) == (185e6 + 30e6, 105e6) and fund["share"] == pytest.approx(320e6 / 3e9)
    # Tata's EUR 2 bn is established by its JLoI of 29 September 2025: not yet a budget on 30 June 2025
    assert "Tata Steel Nederland: maximale bijdrage Staat" not in use
    assert use["Maatwerk afvalverbrandingsinstallaties"]["claimed_eur"] == 0  # no waste project has money yet
    assert "Elektrificatieregeling industrie" not in use  # its framework is of 1 July 2025
    later = {b["budget"].name: b for b in services.budget_use(services.totals(dt.date(2025, 9, 29)))}
    assert "Tata Steel Nederland: maximale bijdrage Staat" in later
    assert later["Elektrificatieregeling industrie"]["reference"] and later["Elektrificatieregeling industrie"]["claimed_eur"] == 0


def test_conversion_rates_from_history(demo):
    rates = {r.phase: r for r in services.conversion_rates()}
    eop = rates["eop_signed"]
    # from eop_signed: forward to the concept JLoI (Tata, Nobian, AnQore, Cosun, Alco); exits: Dow, Shell
    assert (eop.forward, eop.exits) == (5, 2)
    assert eop.probability == pytest.approx(6 / 9)
    a = OutlookAssumptions.current()
    a.conversion_overrides = {"eop_signed": 0.9}
    a.save()
    assert {r.phase: r for r in services.conversion_rates()}["eop_signed"].probability == 0.9


def test_outlook_command_is_reproducible(demo, capsys):
    call_command("outlook", "--trials", "3000", "--seed", "5", "--format", "json")
    first = json.loads(capsys.readouterr().out)
    call_command("outlook", "--trials", "3000", "--seed", "5", "--format", "json")
    assert json.loads(capsys.readouterr().out) == first
    for key in ("p_additional_at_least_1_0_mton", "p_additional_at_least_1_9_mton", "additional_2030_mton", "spending_eur", "projects"):
        assert key in first
    assert set(first["additional_2030_mton"]) == {"p10", "p50", "p90"}
    anqore = next(p for p in first["projects"] if p["project"].startswith("AnQore"))
    # the published figure of the agreement (101 kt), not the levy computation on rights back-solved from it
    assert anqore["additional_known"] and anqore["additional_basis"] == "published" and anqore["additional_t"] == 101_000
    with pytest.raises(CommandError, match="--trials"):
        call_command("outlook", "--trials", "0")


def test_outlook_as_of_a_date_counts_the_projects_and_figures_of_that_day(demo, capsys):
    def cosun(*extra):
        call_command("outlook", "--trials", "500", "--seed", "5", "--format", "json", *extra)
        return next(p for p in json.loads(capsys.readouterr().out)["projects"] if p["project"].startswith("Royal Cosun"))

    # the JLoI's 260 kt on 30 June 2025, the binding agreement's 167 kt today
    assert cosun("--as-of", "2025-06-30")["co2_reduction_t"] == 260_000
    assert cosun()["co2_reduction_t"] == 167_000
    with pytest.raises(CommandError, match="--as-of"):
        call_command("outlook", "--as-of", "30-6-2025")


def test_monitoring_list_filters_and_exports(users, client):
    client.force_login(users["programme"])
    nobian = Project.objects.get(trajectory__company__name="Nobian")
    m = Milestone.objects.get(project=nobian)
    m.forecast = dt.date(2032, 1, 1)
    m.save()
    EmissionReport.objects.create(project=Project.objects.get(trajectory__company__name="AnQore"), year=2029, emissions_t=400_000)
    page = client.get(reverse("programme:monitoring"), {"status": "late"}).content.decode()
    assert "Nobian" in page and "Royal Cosun" not in page
    assert "boven het afgesproken pad" in page  # AnQore reported 400 kt against an agreed 171.8 kt
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("programme:monitoring"), {"bedrijf": "nob", "format": "csv"}).content.decode())))
    assert [r["bedrijf"] for r in rows] == ["Nobian"] and rows[0]["status"] == "te laat"
    dashboard = client.get(reverse("programme:dashboard")).content.decode()
    alert = dashboard[dashboard.index('role="alert"') : dashboard.index("naar de monitoring")]
    assert "Nobian" in alert and "AnQore" in alert and "Royal Cosun" not in alert


def test_dashboard_is_for_the_programme_team(users, client):
    client.force_login(users["company_a"])
    assert client.get(reverse("programme:dashboard")).status_code == 403
    client.force_login(users["programme"])
    html = client.get(reverse("programme:dashboard"), {"categorie": "binding"}).content.decode()
    assert "Bindend afgesproken" in html and "Nobian" in html and html.count("<svg") >= 4
    bad = client.post(reverse("programme:assumptions"), {"conversion_overrides": "{x", "delay_mean_years": 1, "reduction_sd": 0.1, "additional_share_when_unknown": 0}, follow=True)
    assert "Geen geldige JSON" in bad.content.decode()
    bad = client.post(reverse("programme:assumptions"), {"conversion_overrides": '{"eop_signed": 2}', "delay_mean_years": 1, "reduction_sd": 0.1, "additional_share_when_unknown": 0}, follow=True)
    assert "tussen 0 en 1" in bad.content.decode()


def test_totals_in_a_chosen_year(demo):
    early = services.totals(year=2027).by_category
    # Yara's CCS is at target from 2026; the others from 2029 or 2030
    yara = next(r for r in early["ambition"]["projects"] if r.project.trajectory.company.name == "Yara Sluiskil")
    assert yara.figures["co2_reduction_t"] == 800_000
    assert early["binding"]["sums"]["co2_reduction_t"] == 0
    assert services.totals(year=2030).by_category["binding"]["sums"]["co2_reduction_t"] == 500_000 + 167_000
