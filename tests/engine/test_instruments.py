import numpy as np
import pytest

from maatwerk.engine import instruments


def test_lump_sum_is_capped():
    assert instruments.lump_sum(50e6, cap_eur=46e6).pv_state_eur == 46e6
    assert instruments.lump_sum(np.array([10.0, 60.0]), cap_eur=46.0).pv_state_eur.tolist() == [10.0, 46.0]


def test_sde_style_by_hand():
    correction = np.array([[60.0, 80.0, 120.0]])
    r = instruments.sde_style(1000, base_eur_per_t=100.0, correction_eur_per_t=correction, rate=0.1, years=3, cap_eur_per_t=30.0)
    # intensities: min(40, 30)=30, 20, 0 (never negative)
    np.testing.assert_allclose(r.payments_eur, [[30000, 20000, 0]])
    assert r.pv_state_eur[0] == pytest.approx(30000 / 1.1 + 20000 / 1.1**2)


def test_ccfd_pays_back_when_clean_is_cheaper():
    price = np.array([50.0, 100.0, 150.0])
    r = instruments.carbon_contract_for_difference(10, 120.0, price, rate=0.0, years=3)
    np.testing.assert_allclose(r.payments_eur, [700, 200, -300])
    assert r.pv_state_eur == pytest.approx(600)


def test_effective_co2_price_follows_energy_costs():
    # clean route's extra energy cost fell from 1000 to 600 for 10 t: +40 EUR/t on top of ETS
    assert instruments.effective_co2_price(80.0, 600.0, 1000.0, 10.0) == pytest.approx(120.0)
