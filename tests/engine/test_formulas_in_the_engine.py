"""The formulas that lived in the services, now in the engine (issue 17 §3), against closed forms and numpy-financial."""

import math
from types import SimpleNamespace

import numpy as np
import numpy_financial as npf
import pytest

from maatwerk.engine import finance, instruments, levy, outlook, workflow


def test_a_dispensation_rights_level_follows_the_reduction_path():
    years = np.arange(2024, 2031)
    path = levy.dispensation_rights_path_t(100_000, 2030, years, "2023")
    assert path[-1] == pytest.approx(100_000)  # the level itself in its own year
    factors = levy.reduction_factor(years, "2023")
    for y, value, f in zip(years, path, factors):
        assert value == pytest.approx(100_000 * f / factors[-1]), y
    assert np.all(np.diff(path) <= 0)  # the path only tightens
    assert np.isnan(levy.dispensation_rights_path_t(100_000, 2030, [2045], "2023")).all()  # no factor known that year


def test_the_avoided_levy_is_the_levy_before_minus_after():
    # before 1,000 t with 800 t of rights: 200 t above the rights; after 300 t less: below them
    tariffs = np.array([100.0, np.nan])
    ets = np.array([[60.0, 60.0], [120.0, 120.0]])  # two price scenarios; at 120 the ETS price exceeds the tariff
    result = levy.avoided_levy_eur(1000.0, 300.0, [800.0, 800.0], tariffs, ets)
    assert result.known.tolist() == [True, False]
    assert result.eur[0, 0] == pytest.approx(200 * (100 - 60))  # the whole levy before; none after
    assert result.eur[1, 0] == 0.0  # no levy when the ETS price is above the tariff
    assert result.eur[:, 1].tolist() == [0.0, 0.0]  # unknown tariff: nothing known avoided
    partial = levy.avoided_levy_eur(1000.0, 100.0, [800.0], [100.0], [[60.0]])
    assert partial.eur[0, 0] == pytest.approx((200 - 100) * 40)  # still 100 t above the rights after


@pytest.mark.parametrize("rate, build, lifetime", [(0.08, 2, 10), (0.05, 0, 15), (0.0, 1, 12)])
def test_the_levelised_cost_is_the_break_even_price_per_tonne(rate, build, lifetime):
    """At LC per tonne instead of its CO2 income the project's NPV is zero (numpy-financial's npv)."""
    tonnes = 1_000.0
    rng = np.random.default_rng(7)
    without_co2 = np.r_[-rng.uniform(4e5, 6e5, build), rng.uniform(-3e4, 3e4, lifetime)]
    income = np.full(lifetime, 60.0 * tonnes)
    flows = without_co2.copy()
    flows[build:] += income
    lc = instruments.levelised_cost(finance.npv(rate, flows[None, :]), income[None, :], tonnes, rate, lifetime, build)
    at_lc = without_co2 + np.r_[np.zeros(build), np.full(lifetime, lc.central * tonnes)]
    assert npf.npv(rate, at_lc) == pytest.approx(0.0, abs=1e-6)
    assert lc.pv_tonnes == pytest.approx(sum(tonnes / (1 + rate) ** (build + k) for k in range(lifetime)))
    assert lc.parameters == {"rate": rate, "lifetime_years": lifetime, "build_years": build, "tonnes_per_year": tonnes}


def test_laplace_conversion_and_the_counted_moves():
    assert outlook.laplace_conversion(3, 1) == pytest.approx(4 / 6)
    assert outlook.laplace_conversion(0, 0) == 0.5
    with pytest.raises(ValueError):
        outlook.laplace_conversion(-1, 0)

    def history(*phases):
        entries = [SimpleNamespace(from_phase=None, phase=phases[0])]
        entries += [SimpleNamespace(from_phase=a, phase=b) for a, b in zip(phases, phases[1:])]
        return entries

    histories = [
        history("exploration", "eop_signed", "jloi_concept"),  # two moves on
        history("exploration", "eop_signed", "withdrawn"),  # one on, one exit from the EoP
        history("exploration"),  # still exploring: censored
        history("exploration", "no_potential"),
        history("exploration", "paused", "exploration"),  # a pause is neither a move on nor an exit
    ]
    forward, exits = outlook.count_moves(histories, workflow.MAIN_LINE, (workflow.WITHDRAWN, workflow.NO_POTENTIAL))
    assert (forward["exploration"], exits["exploration"]) == (2, 1)
    assert (forward["eop_signed"], exits["eop_signed"]) == (1, 1)
    assert math.isclose(outlook.laplace_conversion(forward["eop_signed"], exits["eop_signed"]), 0.5)


def test_instruments_are_discounted_to_the_moment_of_the_funding_gap():
    """A CCfD at the levelised cost with the project's own CO2 price as the reference pays exactly the
    funding gap (both are present values at the project's start) when its payments are discounted like the
    operating years' cash flows (first_t = the build years)."""
    rate, build, lifetime, tonnes = 0.07, 2, 12, 1_000.0
    ets = np.full((1, lifetime), 50.0)
    without_co2 = np.r_[[-4e5, -3e5], np.full(lifetime, 1e4)]
    flows = without_co2.copy()
    flows[build:] += ets[0] * tonnes
    npv = finance.npv(rate, flows[None, :])
    gap = -npv  # the funding gap (the NPV is negative here)
    assert gap[0] > 0
    lc = instruments.levelised_cost(npv, ets * tonnes, tonnes, rate, lifetime, build)
    ccfd = instruments.carbon_contract_for_difference(tonnes, lc.central, ets, rate, years=lifetime, first_t=build)
    assert ccfd.pv_state_eur[0] == pytest.approx(gap[0], rel=1e-9)
    by_hand = sum((lc.central - 50.0) * tonnes / (1 + rate) ** (build + k) for k in range(lifetime))
    assert ccfd.pv_state_eur[0] == pytest.approx(by_hand, rel=1e-12)
