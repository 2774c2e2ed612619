"""The public arithmetic of docs/worked-examples.md, recomputed with the engine."""

import pytest

from maatwerk.engine import finance, levy


def test_anqore_additionality():
    before = 365_000 / 0.68
    assert before == pytest.approx(536_765, abs=1)
    after = before - 365_000
    assert after == pytest.approx(171_765, abs=1)
    additional = levy.additional_reduction_t(before, 365_000, 273_000)
    assert round(float(additional) / 1000) == 101  # published: 101 kt additional
    implied_dpr = after + 101_000
    assert round(implied_dpr / 1000) == 273


def test_regime_matters_for_anqore():
    allocation = 273_000 / levy.reduction_factor(2030, regime="2023")
    assert allocation == pytest.approx(409_295, abs=1)
    dpr_2021 = levy.dispensation_rights_t(allocation, 2030, regime="2021")
    add_2021 = levy.additional_reduction_t(365_000 / 0.68, 365_000, dpr_2021)
    assert round(float(add_2021) / 1000) == 109


@pytest.mark.parametrize(
    "support,tonnes,published",
    [(46e6, 365e3, 126), (46e6, 101e3, 455), (185e6, 500e3, 370), (73e6, 167e3, 437)],
)
def test_support_per_tonne(support, tonnes, published):
    assert round(float(finance.support_per_tonne(support, tonnes))) == published


def test_lifetime_figures_in_the_doc():
    assert finance.support_per_lifetime_tonne(46e6, 365e3, 15) == pytest.approx(8.4, abs=0.05)
    assert finance.support_per_lifetime_tonne(46e6, 365e3, 15, rate=0.08) == pytest.approx(14.7, abs=0.05)
