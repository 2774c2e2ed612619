"""Evaluation against independent computations (numpy-financial, hand formulas) and the public figures."""

import json

import numpy as np
import numpy_financial as npf
import pytest
from django.core.management import CommandError, call_command

from maatwerk.engine import levy
from maatwerk.finance.models import Project
from maatwerk.finance.services import additional_at_target, evaluate, sensitivity

from .. import factories


@pytest.fixture
def project(deck):
    p = factories.project(
        name="Testproject", target_year=2030, co2_reduction_t=100_000, baseline_emissions_t=500_000,
        dispensation_rights_t=250_000, support_max_eur=50e6, levy_regime="2023",
    )
    factories.business_case(
        p, start_year=2022, lifetime_years=10, hurdle_rate=0.07, capex_schedule=[60e6, 40e6],
        opex_delta_eur_per_year=1e6, gas_delta_mwh_per_year=-200_000, electricity_delta_mwh_per_year=50_000,
        ets_covered_reduction_t_per_year=100_000, other_income_eur_per_year=0,
    )
    return p


def expected_flows(gas=30.0):
    """The same business case by hand: build 2022-2023, operation 2024-2033, deck from conftest (ETS 50 + 1/yr)."""
    flows = [-60e6, -40e6]
    rf = {2024: 1.135, 2025: 1.057}  # 2023 regime: 1.213 − 0.078 a year; 0.667 in 2030
    tariffs = {2024: 72.52, 2025: 87.90}  # 2024 interpolated (labelled), 2025 NEa; later years unknown: no levy counted
    for year in range(2024, 2034):
        ets = 50.0 + (year - 2024)
        cash = -1e6 + 200_000 * gas - 50_000 * 80.0 + 100_000 * ets
        if year in tariffs:
            dpr = 250_000 * rf[year] / 0.667
            cash += (max(0, 500_000 - dpr) - max(0, 400_000 - dpr)) * max(0.0, tariffs[year] - ets)
        flows.append(cash)
    return np.array(flows)


def test_business_case_matches_hand_computation(project):
    ev = evaluate(project)
    flows = expected_flows()
    np.testing.assert_allclose(ev.cashflows[0], flows, rtol=1e-9)
    assert ev.npv_eur[0] == pytest.approx(npf.npv(0.07, flows), rel=1e-9)
    assert not np.isnan(ev.irr[0]) and ev.irr[0] == pytest.approx(npf.irr(flows), rel=1e-6)
    assert ev.funding_gap_eur[0] == pytest.approx(max(0.0, -npf.npv(0.07, flows)), rel=1e-9)
    np.testing.assert_allclose(ev.cashflows[1], expected_flows(gas=60.0), rtol=1e-9)  # the 'high' scenario


def test_additionality_per_year(project):
    project.dispensation_rights_t = 450_000
    ev = evaluate(project)
    for year, dpr, add in zip(ev.path_years, ev.dispensation_rights_t, ev.additional_t):
        expected_dpr = 450_000 * levy.reduction_factor(year, "2023") / 0.667
        assert dpr == pytest.approx(expected_dpr)
        assert add == pytest.approx(min(max(expected_dpr - 400_000, 0), 100_000))
    assert ev.additional_target_t == pytest.approx(50_000)
    assert ev.per_tonne["annual"] == pytest.approx(500) and ev.per_tonne["additional"] == pytest.approx(1000)


def test_regime_changes_the_answer(project):
    project.dispensation_rights_t = 450_000
    assert evaluate(project, regime="2021").additional_target_t != evaluate(project, regime="2023").additional_target_t


def test_anqore_public_arithmetic(demo):
    ev = evaluate(Project.objects.get(trajectory__company__name="AnQore"))
    assert round(ev.additional_target_t / 1000) == 101
    assert round(ev.per_tonne["annual"]) == 126
    assert ev.per_tonne["additional"] == pytest.approx(455, rel=0.005)  # 46 M / 101 kt, the published figure (no rights entered: not computed)


def test_instruments_and_sensitivity(project):
    ev = evaluate(project)
    lump, sde, ccfd = ev.instruments
    assert lump.pv_state_eur[0] == pytest.approx(min(ev.funding_gap_eur[0], 50e6))
    assert sde.illustrative and ccfd.illustrative
    rows = sensitivity(project)
    capex = next(r for r in rows if r["label"] == "Investering")
    # capex +20% adds 20% of the discounted capex to the gap (when the gap stays positive)
    discounted_capex = 60e6 + 40e6 / 1.07
    assert capex["low"] > 0  # the gap stays positive, so it moves one for one with the discounted capex
    assert capex["high"] - capex["low"] == pytest.approx(0.4 * discounted_capex, rel=1e-9)


def test_missing_price_is_reported(project):
    project.business_case.hydrogen_delta_kg_per_year = 1000
    project.business_case.save()
    ev = evaluate(project)
    assert ev.cashflows is None and any("hydrogen" in n for n in ev.notes)


def test_evaluate_and_reprice_commands(project, capsys, tmp_path):
    call_command("evaluate", "Testproject", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["funding_gap_eur"][0] == pytest.approx(float(evaluate(project).funding_gap_eur[0]), abs=0.01)
    from maatwerk.finance.decks import import_deck

    from .conftest import deck_csv

    import_deck(deck_csv(gas=45.0, ets=50.0), "t2.csv", "Test")
    call_command("reprice", "--deck", "Test@2", "--against", "Test@1", "--format", "json")
    rows = {r["project"]: r for r in json.loads(capsys.readouterr().out)}
    row = rows[str(project)]
    # gas +15 EUR/MWh on 200,000 MWh saved a year for 10 years raises income: the gap falls by its PV
    pv_gain = 15 * 200_000 * sum(1.07**-t for t in range(2, 12))  # operation in periods 2-11
    assert row["change_eur"] == pytest.approx(-min(pv_gain, row["funding_gap_old_eur"]), abs=2)
    with pytest.raises(CommandError, match="geen prijzenset"):
        call_command("reprice", "--deck", "Nope")
    with pytest.raises(CommandError, match="geen project"):
        call_command("evaluate", "Bestaat niet")


def test_the_totals_shortcut_gives_the_hand_computed_additional_reduction(project):
    """The programme's totals use ``additional_at_target`` (no business case, no deck); it and the full
    evaluation (with this project's business case and deck) both give the law's figure, computed here:
    in the target year the rights are the entered level (scaled by rf(2030) / rf(2030) = 1), emissions
    after the project 500 − 100 = 400 kt, and additional = clamp(rights − 400 kt, 0, the 100 kt reduction).
    The 2026 regime has no reduction factor for 2030 yet: unknown, never 0."""
    for rights, expected in ((250_000, 0.0), (450_000, 50_000.0), (900_000, 100_000.0)):
        project.dispensation_rights_t = rights
        for regime, value in (("2021", expected), ("2023", expected), (None, expected), ("2026", None)):
            assert additional_at_target(project, regime) == (None if value is None else pytest.approx(value)), (rights, regime)
            full = evaluate(project, regime=regime)
            assert full.has_business_case  # the full route really ran the business case beside it
            assert full.additional_target_t == (None if value is None else pytest.approx(value)), (rights, regime)
