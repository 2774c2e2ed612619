"""The outlook on honest inputs (issue 16, point 5): per project the published additional reduction or the
levy computation; projects with neither are counted in a separate "not yet known" band of their CO2
reduction, never with another project's ratio; the outlook says how much rests on assumptions."""

import json

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from maatwerk.engine import outlook, workflow
from maatwerk.finance.models import Project
from maatwerk.finance.services import additional_at_target
from maatwerk.programme import services
from maatwerk.programme.models import OutlookAssumptions

from ..helpers import floored_normal_mean

TRIALS = 40_000


def _by_name(summary, company):
    return next(p for p in summary["projects"] if p["project"].startswith(company))


def _hand_expectation(summary, projects, key):
    """Σ p · P(on time) · value · E[max(0, 1 + sd z)] over the given project rows, from the engine's parts."""
    a = summary["assumptions"]
    factor = floored_normal_mean(a["reduction_sd"])
    return sum(p["p_realised_exact"] * float(outlook.on_time_probability(p["planned_year"], summary["year"], a["delay_mean_years"])) * p[key] * factor for p in projects)


def _levy_known_for_nobian(monkeypatch, tonnes=150_000):
    """Make the levy computation known for Nobian (how it is computed is the finance app's business)."""
    original = services.additional_at_target

    def fake(project, regime=None):
        return tonnes if project.trajectory.company.name == "Nobian" else original(project, regime)

    monkeypatch.setattr(services, "additional_at_target", fake)


def _unknown_projects():
    """Independently: the projects in the programme with neither a published figure nor a levy computation."""
    rows = [r for r in services.project_rows() if r.category is not None]
    return [r.project for r in rows if r.project.additional_reduction_public_t is None and additional_at_target(r.project) is None]


def test_tata_steel_is_not_counted_as_additional_but_in_the_not_yet_known_band(demo):
    summary, result = services.run_outlook(trials=TRIALS, seed=1)
    tata = _by_name(summary, "Tata Steel")
    assert not tata["additional_known"] and tata["additional_basis"] == "unknown"
    assert tata["additional_t"] is None and tata["expected_contribution_t"] == 0
    # no project is credited another's ratio (the old default: 101/365 of its CO2 reduction, 1.385 Mt for Tata)
    for p in summary["projects"]:
        if p["co2_reduction_t"]:
            assert p["additional_t"] is None or p["additional_t"] != pytest.approx(round(101 / 365, 3) * p["co2_reduction_t"])
    unknown = _unknown_projects()
    assert "Tata Steel Nederland" in {p.trajectory.company.name for p in unknown}
    band = summary["unknown_band"]
    assert sorted(band["projects"]) == sorted(str(p) for p in unknown)
    assert band["co2_reduction_t"] == pytest.approx(sum(p.co2_reduction_t for p in unknown))
    members = [p for p in summary["projects"] if not p["additional_known"]]
    assert band["expected_co2_reduction_t"] == pytest.approx(_hand_expectation(summary, members, "co2_reduction_t"), rel=1e-9)
    stderr = result.unknown_band_mton.std() / np.sqrt(TRIALS)
    assert abs(result.unknown_band_mton.mean() - band["expected_co2_reduction_t"] / 1e6) < 4 * stderr


def test_the_known_part_is_unchanged_when_the_unknown_project_is_removed(demo):
    before, result = services.run_outlook(trials=TRIALS, seed=2)
    known = [p for p in before["projects"] if p["additional_known"]]
    assert known, "the demo has at least one project with a known additional reduction (AnQore)"
    expected = before["expected_additional_t"]
    assert expected == pytest.approx(_hand_expectation(before, known, "additional_t"), rel=1e-9)
    stderr = result.additional_mton.std() / np.sqrt(TRIALS)
    assert abs(result.additional_mton.mean() - expected / 1e6) < 4 * stderr + 1e-9
    from maatwerk.figures.models import Figure

    Figure.objects.filter(project__trajectory__company__name="Tata Steel Nederland").delete()  # (test set-up: the register protects its projects)
    Project.objects.filter(trajectory__company__name="Tata Steel Nederland").delete()
    after, result_after = services.run_outlook(trials=TRIALS, seed=2)
    assert after["expected_additional_t"] == pytest.approx(expected, rel=1e-12)
    assert after["unknown_band"]["co2_reduction_t"] == pytest.approx(before["unknown_band"]["co2_reduction_t"] - 5_000_000)
    stderr = result_after.additional_mton.std() / np.sqrt(TRIALS)
    assert abs(result_after.additional_mton.mean() - expected / 1e6) < 4 * stderr + 1e-9


def test_the_published_figure_is_used_as_a_range_and_the_basis_is_named(demo, monkeypatch):
    summary, _ = services.run_outlook(trials=2000, seed=0)
    anqore = _by_name(summary, "AnQore")
    assert anqore["additional_basis"] == "published"
    assert anqore["additional_low_t"] == anqore["additional_high_t"] == anqore["additional_t"] == 101_000
    # a project without a published figure is unknown while its levy computation is, and counted from
    # the levy once that is known
    _levy_known_for_nobian(monkeypatch, None)
    summary, _ = services.run_outlook(trials=2000, seed=0)
    assert _by_name(summary, "Nobian")["additional_basis"] == "unknown"
    monkeypatch.undo()
    _levy_known_for_nobian(monkeypatch, 150_000)
    summary, _ = services.run_outlook(trials=2000, seed=0)
    row = _by_name(summary, "Nobian")
    assert row["additional_basis"] == "levy" and row["additional_t"] == 150_000 and row["additional_known"]


def test_the_share_resting_on_assumptions_is_computed(demo, monkeypatch):
    _levy_known_for_nobian(monkeypatch)
    a = OutlookAssumptions.current()
    a.conversion_overrides = {"binding_agreement": 0.7}  # Nobian is in the binding agreement, AnQore in the signed JLoI
    a.save()
    summary, _ = services.run_outlook(trials=2000, seed=0)
    known = [p for p in summary["projects"] if p["additional_known"]]
    e = {p["project"]: _hand_expectation(summary, [p], "additional_t") for p in known}
    total = sum(e.values())
    share = summary["assumed_share"]
    assert share["expected_known_t"] == pytest.approx(total, rel=1e-9)
    published = sum(v for k, v in e.items() if _by_name(summary, k.split(":")[0])["additional_basis"] == "published")
    assert share["published"] == pytest.approx(published / total) and share["levy"] == pytest.approx(1 - published / total)
    # neither project is realised: all of the expectation rests on estimated conversion rates,
    # and both pass through the binding agreement, whose rate is set by hand
    assert share["conversion_estimated"] == pytest.approx(1.0)
    assert share["conversion_manual"] == pytest.approx(1.0)
    a.conversion_overrides = {"exploration": 0.7}  # before both: no hand-set rate on their way
    a.save()
    assert services.run_outlook(trials=2000, seed=0)[0]["assumed_share"]["conversion_manual"] == 0


def test_the_borrowed_ratio_is_off_by_default_and_only_a_labelled_sensitivity(users, client):
    a = OutlookAssumptions.current()
    assert a.additional_share_when_unknown == 0  # the demo no longer borrows AnQore's ratio
    base, _ = services.run_outlook(trials=5000, seed=3)
    assert base["sensitivity"] is None
    a.additional_share_when_unknown = 0.2
    a.save()
    sens, result = services.run_outlook(trials=5000, seed=3)
    # the known part is the same distribution (the sensitivity never enters it)
    for key in ("p_additional_at_least_1_0_mton", "p_additional_at_least_1_9_mton", "additional_2030_mton", "expected_additional_t"):
        assert sens[key] == base[key]
    s = sens["sensitivity"]
    assert s["share_when_unknown"] == 0.2
    total = result.additional_mton + 0.2 * result.unknown_band_mton
    assert s["p_additional_at_least_1_0_mton"] == pytest.approx(np.mean(total >= 1.0))
    assert s["p_additional_at_least_1_0_mton"] >= sens["p_additional_at_least_1_0_mton"]
    client.force_login(users["programme"])
    html = client.get(reverse("programme:dashboard")).content.decode()
    assert "Gevoeligheid (aanname" in html and "20%" in html


def test_dashboard_and_json_show_the_known_part_and_the_unknown_band(users, client, capsys):
    call_command("outlook", "--trials", "3000", "--seed", "5", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    band = data["unknown_band"]
    assert band["co2_reduction_t"] == pytest.approx(sum(p.co2_reduction_t for p in _unknown_projects()))
    assert {"published", "levy", "conversion_estimated", "conversion_manual", "expected_known_t"} <= set(data["assumed_share"])
    assert "additional_share_when_unknown" in data["assumptions"] and data["sensitivity"] is None
    call_command("outlook", "--trials", "3000", "--seed", "5")
    table = capsys.readouterr().out
    assert "additionaliteit nog onbekend" in table and "gepubliceerd" in table
    client.force_login(users["programme"])
    html = client.get(reverse("programme:dashboard")).content.decode()
    nominal = f"{int(round(band['co2_reduction_t'])):,}".replace(",", ".")
    assert f"plus {nominal} t" in html and "waarvan de additionaliteit nog onbekend is" in html
    assert "alleen het bekende deel" in html
    assert "uit gepubliceerde cijfers" in html


def test_p_realised_exact_is_the_product_of_the_conversion_rates(demo):
    summary, _ = services.run_outlook(trials=100, seed=0)
    rates = [r.probability for r in services.conversion_rates()]
    realisation = workflow.MAIN_LINE.index("realisation")
    for p in summary["projects"]:
        i = workflow.MAIN_LINE.index(p["phase"])
        assert p["p_realised_exact"] == pytest.approx(float(np.prod(rates[i:realisation])) if i < realisation else 1.0)


def test_the_migration_resets_only_the_demos_borrowed_share(demo):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("maatwerk.programme.migrations.0003_outlook_unknown_band_no_borrowed_ratio")
    OutlookAssumptions.objects.all().delete()
    old_demo = OutlookAssumptions.objects.create(additional_share_when_unknown=0.277, note="... de verhouding van het enige publieke geval (AnQore: 101 van 365 kt).")
    by_hand = OutlookAssumptions.objects.create(additional_share_when_unknown=0.277, note="eigen keuze")
    migration.stop_borrowing(apps, None)
    old_demo.refresh_from_db()
    by_hand.refresh_from_db()
    assert old_demo.additional_share_when_unknown == 0 and "nog onbekend" in old_demo.note and old_demo.version == 1
    assert by_hand.additional_share_when_unknown == 0.277 and by_hand.version == 0


def test_the_totals_count_the_same_additional_figure_as_the_outlook(demo, monkeypatch):
    _levy_known_for_nobian(monkeypatch, 150_000)
    summary, _ = services.run_outlook(trials=100, seed=0)
    rows = {str(r.project): r for r in services.project_rows()}
    for p in summary["projects"]:
        assert rows[p["project"]].figures["additional_t"] == p["additional_t"]
    # AnQore (signed JLoI): its published 101 kt, not the levy computation on rights back-solved from it
    jloi = services.totals().by_category["jloi"]
    anqore = next(r for r in jloi["projects"] if r.project.trajectory.company.name == "AnQore")
    assert anqore.figures["additional_t"] == 101_000 and anqore.additional[2] == "published"
    assert jloi["sums"]["additional_t"] == sum(r.figures["additional_t"] or 0 for r in jloi["projects"])
